// tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in Node.js ..." on the
// first tensor a cpu backend instance stores in Node (MathBackendCPU.write); the runtime silences
// that banner only.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it, vi } from "vitest";

import { silenceCpuNodeBanner } from "../../src/runtime/index.js";

type Backend = { write(values: Float32Array, shape: number[], dtype: string): unknown; dispose(): void };

describe("the cpu backend's Node banner", () => {
  it("a cpu backend made by the registered factory writes without the banner; other tfjs warnings still print", () => {
    silenceCpuNodeBanner(); // idempotent: already done by the runtime
    expect(tf.env().getBool("IS_NODE")).toBe(true);
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { factory } = (tf.engine() as unknown as { registryFactory: Record<string, { factory: () => Backend }> })
        .registryFactory["cpu"]!;
      const backend = factory();
      backend.write(new Float32Array([1, 2]), [2], "float32");
      expect(spy.mock.calls.flat().join(" ")).not.toContain("looks like you are running TensorFlow.js in Node.js");
      backend.dispose();
      tf.backend_util.warn("another tfjs warning");
      expect(spy).toHaveBeenCalledWith("another tfjs warning");
    } finally {
      spy.mockRestore();
    }
  });
});
