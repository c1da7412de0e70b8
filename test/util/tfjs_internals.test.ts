// Pins every tfjs internal the library reads (src/util/tfjs_internals.ts) to the installed tfjs.
// When tfjs is upgraded, a failure here names the internal that moved; the sources each test
// checks are tfjs-core/src/engine.ts, tfjs-backend-wasm/src/backend_wasm.ts and
// tfjs-backend-cpu/src/backend_cpu.ts at 4.22.0.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";

import {
  PINNED_TFJS_VERSION,
  cpuBackendValues,
  disposeAbandonedTape,
  existingBackend,
  markCpuBackendUsed,
  nestedEngineGradients,
  nextTensorId,
  wasmBackendMemory,
  wasmHeapOffset,
  wrapBackendFactory,
  wrapEngineGradients,
} from "../../src/util/tfjs_internals.js";
import { BackendError } from "../../src/util/errors.js";

const require = createRequire(import.meta.url);

function installedVersion(pkg: string): string {
  const path = require.resolve(`${pkg}/package.json`);
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

afterEach(async () => {
  await tf.setBackend("wasm");
});

describe("the tfjs these internals were written for", () => {
  it.each(["@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-backend-cpu"])(
    "%s is the pinned release (re-check src/util/tfjs_internals.ts before changing it)",
    (pkg) => {
      expect(installedVersion(pkg)).toBe(PINNED_TFJS_VERSION);
    },
  );
});

describe("engine internals", () => {
  it("nextTensorId is the id the next tensor gets, and grows", () => {
    const id = nextTensorId();
    expect(Number.isInteger(id)).toBe(true);
    const t = tf.scalar(1);
    expect(t.id).toBe(id);
    expect(nextTensorId()).toBe(id + 1);
    t.dispose();
  });

  it("the active tape is readable while recording and holds the saved tensors", () => {
    const x = tf.scalar(3);
    let seen: { depth: unknown; nodes: unknown } | undefined;
    const g = tf.grad((v: tf.Tensor) => {
      const y = tf.square(v);
      const state = (tf.engine() as unknown as { state: { gradientDepth: unknown; activeTape: unknown } }).state;
      seen = { depth: state.gradientDepth, nodes: state.activeTape };
      return y;
    })(x);
    // The outermost recording runs at depth 1; disposeAbandonedTape relies on it being 0 again
    // once `gradients` has unwound.
    expect(seen?.depth).toBe(1);
    expect((tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth).toBe(0);
    expect(Array.isArray(seen?.nodes)).toBe(true);
    const node = (seen!.nodes as { saved?: tf.Tensor[] }[])[0]!;
    expect(Array.isArray(node.saved)).toBe(true);
    expect(g.dataSync()[0]).toBe(6);
    tf.dispose([x, g]);
  });

  it("disposeAbandonedTape frees what a tape saved for a backward pass that never ran", () => {
    const x = tf.scalar(3);
    const before = tf.memory().numTensors;
    const engine = tf.engine() as unknown as { state: { activeTape: unknown } };
    // Record by hand, as Engine.gradients does, and abandon the recording.
    let recorded = 0;
    expect(() =>
      tf.engine().gradients(() => {
        tf.square(tf.square(x));
        recorded = tf.memory().numTensors - before;
        throw new Error("forward failed");
      }, [x]),
    ).toThrow("forward failed");
    expect(recorded).toBeGreaterThan(0);
    // The runtime's tape cleanup (installed by the test setup) already called it; a second call
    // on an empty tape is harmless.
    disposeAbandonedTape();
    expect(engine.state.activeTape).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it("nestedEngineGradients differentiates inside a gradient function and keeps the outer tape", () => {
    const x = tf.scalar(3);
    const cube = tf.customGrad(((v: tf.Tensor) => {
      const value = tf.pow(v, 3);
      const gradFunc = (dy: tf.Tensor) => {
        const r = nestedEngineGradients(() => tf.pow(v, 3), [v], dy);
        r.value.dispose();
        return [r.grads[0]!];
      };
      return { value, gradFunc };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    // d/dx (2 * x^3 + x) = 6 x^2 + 1 = 55 at 3: the outer tape's other terms survive the nested call.
    const g = tf.grad((v: tf.Tensor) => tf.add(tf.mul(2, cube(v) as tf.Tensor), v))(x);
    expect(g.dataSync()[0]).toBe(55);
    tf.dispose([x, g]);
  });

  it("wrapEngineGradients wraps once per marker", () => {
    const marker = Symbol("test.wrapOnce");
    let calls = 0;
    const wrap = (original: Parameters<Parameters<typeof wrapEngineGradients>[1]>[0]) => {
      const wrapped: typeof original = (...args) => {
        calls++;
        return original(...args);
      };
      return wrapped;
    };
    wrapEngineGradients(marker, wrap);
    wrapEngineGradients(marker, wrap);
    const x = tf.scalar(2);
    const g = tf.grad((v: tf.Tensor) => tf.square(v))(x);
    expect(g.dataSync()[0]).toBe(4);
    expect(calls).toBe(1);
    tf.dispose([x, g]);
  });

  it("wrapBackendFactory replaces a registered factory once, and ignores unknown names", async () => {
    const name = "haiku-tfjs-internals-test";
    const made: string[] = [];
    tf.registerBackend(name, () => {
      made.push("original");
      return tf.findBackend("cpu")!;
    });
    const marker = Symbol("test.factory");
    const wrap = (factory: () => tf.KernelBackend | Promise<tf.KernelBackend>) => () => {
      made.push("wrapped");
      return factory();
    };
    wrapBackendFactory(name, marker, wrap);
    wrapBackendFactory(name, marker, wrap);
    wrapBackendFactory("no-such-backend", marker, wrap);
    expect(existingBackend(name)).toBeUndefined();
    await tf.setBackend(name);
    expect(made).toEqual(["wrapped", "original"]);
    expect(existingBackend(name)).toBe(tf.findBackend("cpu"));
    await tf.setBackend("wasm");
    // The instance is shared with cpu: drop only the registration.
    (tf.engine() as unknown as { registry: Record<string, unknown> }).registry[name] = undefined;
    delete (tf.engine() as unknown as { registry: Record<string, unknown> }).registry[name];
    delete (tf.engine() as unknown as { registryFactory: Record<string, unknown> }).registryFactory[name];
  });
});

describe("wasm backend memory", () => {
  it("a tensor's heap offset points at its values in the backend's memory", () => {
    const backend = tf.findBackend("wasm")!;
    const memory = wasmBackendMemory(backend) as { buffer?: unknown } | undefined;
    expect(memory?.buffer).toBeInstanceOf(ArrayBuffer);
    const t = tf.tensor1d([1.5, -2, 3.25]);
    const offset = wasmHeapOffset(backend, t.dataId);
    expect(Array.from(new Float32Array(memory!.buffer as ArrayBuffer, offset, 3))).toEqual([1.5, -2, 3.25]);
    const { dataId } = t;
    t.dispose();
    expect(() => wasmHeapOffset(backend, dataId)).toThrow(BackendError);
  });

  it("other backends have no wasm memory", () => {
    expect(wasmBackendMemory(tf.findBackend("cpu"))).toBeUndefined();
    expect(wasmBackendMemory(null)).toBeUndefined();
  });
});

describe("cpu backend data", () => {
  it("cpuBackendValues is the stored array of a cpu tensor", async () => {
    await tf.setBackend("cpu");
    const t = tf.tensor1d([4, 5, 6]);
    expect(Array.from(cpuBackendValues(tf.backend(), t.dataId) as Float32Array)).toEqual([4, 5, 6]);
    t.dispose();
  });

  it("markCpuBackendUsed clears the first-use flag that prints tfjs' Node banner", () => {
    const backend = tf.findBackend("cpu") as unknown as { firstUse: boolean };
    expect(typeof backend.firstUse).toBe("boolean");
    backend.firstUse = true;
    markCpuBackendUsed(backend);
    expect(backend.firstUse).toBe(false);
    const plain = { other: 1 };
    markCpuBackendUsed(plain);
    expect(plain).toEqual({ other: 1 });
  });
});
