import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { installMatMulGradient, installWasmKernels, ready } from "../../src/runtime/index.js";

describe("runtime", () => {
  it("selects the wasm backend by default, with SIMD and the cpu backend still available", async () => {
    await ready();
    expect(tf.getBackend()).toBe("wasm");
    expect(tf.env().getBool("WASM_HAS_SIMD_SUPPORT")).toBe(true);
    expect(tf.findBackend("cpu")).not.toBeNull();
  });

  it("removes the Emscripten process handlers that rethrow every uncaught error from wasm glue", () => {
    // Their source is the Emscripten glue's (`if(!(ex instanceof ExitStatus)){throw ex}` and
    // `throw reason`); vitest's own handlers stay.
    const listeners = [...process.listeners("uncaughtException"), ...process.listeners("unhandledRejection")];
    for (const l of listeners) expect(String(l)).not.toMatch(/ExitStatus|throw reason/);
  });

  it("registers gradients so tf.grad of tf.sum works", () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, x)));
    expect(Array.from(g(tf.tensor1d([1, 2, 3])).dataSync())).toEqual([2, 4, 6]);
  });

  it("has a wasm kernel for every kernel tfjs-backend-wasm 4.22 lacks that training needs", () => {
    for (const name of [
      tf.Conv2DBackpropFilter,
      tf.DepthwiseConv2dNativeBackpropFilter,
      tf.DepthwiseConv2dNativeBackpropInput,
      tf.UnsortedSegmentSum,
      tf.Einsum,
    ]) {
      expect(tf.getKernel(name, "wasm"), name).toBeDefined();
    }
  });

  it("installs idempotently: a second install changes no kernel and no gradient", () => {
    const names = [tf.BatchMatMul, tf._FusedMatMul, tf.Conv2DBackpropFilter];
    const before = names.map((n) => tf.getKernel(n, "wasm"));
    const grad = tf.getGradient(tf.BatchMatMul);
    installWasmKernels();
    installMatMulGradient();
    expect(names.map((n) => tf.getKernel(n, "wasm"))).toEqual(before);
    names.forEach((n, i) => expect(tf.getKernel(n, "wasm")).toBe(before[i]));
    expect(tf.getGradient(tf.BatchMatMul)).toBe(grad);
  });

  it("survives a switch to cpu and back (kernel set-up functions run again)", async () => {
    await tf.setBackend("cpu");
    await tf.setBackend("wasm");
    const out = tf.matMul(tf.ones([2, 3]), tf.ones([4, 3]), false, true);
    expect(Array.from(out.dataSync())).toEqual(new Array<number>(8).fill(3));
    out.dispose();
  });
});
