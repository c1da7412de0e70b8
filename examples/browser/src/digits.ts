/** The MNIST digits in the page: fetched as `digits_format.ts` bytes, split as `npm start` splits them. */
import { splitDigits, type MnistDigit, type MnistSplit } from "../../lib/mnist_split.js";
import { DIGIT_CLASSES, DIGITS_FILE, PIXELS, PIXELS_OFFSET, TABLE_OFFSET } from "./digits_format.js";

/** Decodes the digits file into the npm package's shape (`{ length, raw }` per class). */
function decodeDigits(bytes: ArrayBuffer): MnistDigit[] {
  const view = new DataView(bytes);
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) table[i] = view.getFloat32(TABLE_OFFSET + i * 4, true);
  const pixels = new Uint8Array(bytes, PIXELS_OFFSET);
  const digits: MnistDigit[] = [];
  let at = 0;
  for (let c = 0; c < DIGIT_CLASSES; c++) {
    const length = view.getUint32(c * 4, true);
    const raw = new Float32Array(length * PIXELS);
    for (let i = 0; i < raw.length; i++) raw[i] = table[pixels[at++]!]!;
    digits.push({ length, raw });
  }
  if (at !== pixels.length)
    throw new Error(
      `${DIGITS_FILE}: ${pixels.length - at} bytes left over; the file is not in digits_format.ts' layout`,
    );
  return digits;
}

/** Fetches the digits next to the page and splits them 80/20 per class, as `npm start` does. */
export async function loadDigits(): Promise<{ train: MnistSplit; test: MnistSplit }> {
  const response = await fetch(new URL(DIGITS_FILE, document.baseURI));
  if (!response.ok) throw new Error(`could not fetch ${DIGITS_FILE}: HTTP ${response.status}`);
  return splitDigits(decodeDigits(await response.arrayBuffer()), 0.8);
}
