// Transforms: signatures, misuse errors, immutability, ownership and memory. Behaviour from
// Haiku's transform.py / multi_transform.py (transform_test.py, multi_transform_test.py) as
// Haiku's own tests describe.
import { describe, expect, expectTypeOf, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";
import * as tree from "../../src/tree/index.js";
import { Linear, ones, zeros } from "./helpers.js";

const vals = (t: unknown) => Array.from((t as tf.Tensor).dataSync());

describe("signatures and types", () => {
  it("carries argument names for JaxLayer", () => {
    const f = hk.transform((inputs: tf.Tensor, training: boolean) => (training ? inputs : inputs));
    expect(hk.argNames(f.init)).toEqual(["rng", "inputs", "training"]);
    expect(hk.argNames(f.apply)).toEqual(["params", "rng", "inputs", "training"]);
    const g = hk.transformWithState((inputs: tf.Tensor) => inputs);
    expect(hk.argNames(g.init)).toEqual(["rng", "inputs"]);
    expect(hk.argNames(g.apply)).toEqual(["params", "state", "rng", "inputs"]);
    expect(hk.argNames(hk.withoutApplyRng(f).apply)).toEqual(["params", "inputs", "training"]);
    expect(hk.argNames(hk.withoutApplyRng(g).apply)).toEqual(["params", "state", "inputs"]);
    expect(hk.argNames(hk.withoutState(g).apply)).toEqual(["params", "rng", "inputs"]);
    expect(hk.argNames(hk.withEmptyState(f).apply)).toEqual(["params", "state", "rng", "inputs", "training"]);
  });

  it("types follow fn", () => {
    const f = hk.transform((x: tf.Tensor, n: number) => ({ y: x, n }));
    expectTypeOf(f.apply).returns.toEqualTypeOf<{ y: tf.Tensor; n: number }>();
    expectTypeOf(f.apply).parameters.toEqualTypeOf<[hk.Params | null | undefined, hk.RngInput, tf.Tensor, number]>();
    expectTypeOf(f.init).returns.toEqualTypeOf<hk.Params>();
    const g = hk.withoutApplyRng(hk.transformWithState((x: tf.Tensor) => x));
    expectTypeOf(g.apply).returns.toEqualTypeOf<[tf.Tensor, hk.State]>();
    expectTypeOf(g.apply).parameters.toEqualTypeOf<
      [hk.Params | null | undefined, hk.State | null | undefined, tf.Tensor]
    >();
    const x = tf.ones([1, 2]);
    expect(vals(g.apply({}, {}, x)[0])).toEqual([1, 1]);
    x.dispose();
  });

  it("withoutApplyRng is idempotent and rejects other objects", () => {
    const f = hk.withoutApplyRng(hk.transform(() => 1));
    expect(hk.withoutApplyRng(f)).toBe(f);
    expect(() => hk.withoutApplyRng({ init: () => 0, apply: () => 0 })).toThrow(
      "hk.withoutApplyRng: Must be called with the result of `hk.transform`, `hk.multiTransform`, `hk.transformWithState` or `hk.multiTransformWithState`, actually called with an object with keys [apply, init]. Fix: ",
    );
    expect(() => hk.withoutApplyRng({})).toThrow(hk.InvalidArgumentError);
  });
});

describe("misuse", () => {
  it("rejects non-object params and state with the expected signatures", () => {
    const f = hk.transform((x: tf.Tensor) => x);
    const x = tf.ones([1]);
    expect(() => f.apply(x as never, null, x)).toThrow(
      "hk.transform(f).apply: params argument does not appear valid. It should be an object (module name -> parameter name -> tensor) but is a float32 tensor of shape [1]. Fix: pass what `init` returned; the parameters for apply are `apply(params, rng, ...args)` for `hk.transform` and `apply(params, state, rng, ...args)` for `hk.transformWithState`.",
    );
    expect(() => f.apply([] as never, null, x)).toThrow(hk.TransformError);
    const g = hk.transformWithState((y: tf.Tensor) => y);
    expect(() => g.apply({}, 5 as never, null, x)).toThrow(
      "hk.transformWithState(f).apply: state argument does not appear valid",
    );
    expect(() => g.apply({}, { bn: x } as never, null, x)).toThrow(
      'hk.transformWithState(f).apply: state["bn"] should be an object mapping entry names',
    );
    expect(() => g.apply({}, { bn: x } as never, null, x)).toThrow(hk.ShapeError);
    // null / undefined params mean {} (Haiku's check_mapping), and apply stays frozen.
    expect(vals(f.apply(null, null, x))).toEqual([1]);
    x.dispose();
  });

  it("rejects non-functions and async functions", () => {
    expect(() => hk.transform(5 as never)).toThrow(
      "hk.transform: expects the function to transform, got the number 5. Fix: ",
    );
    expect(() => hk.transform(5 as never)).toThrow(hk.InvalidArgumentError);
    const f = hk.transform(async () => 1);
    expect(() => f.apply({}, null)).toThrow("hk.transform: Transformed functions must be synchronous");
    expect(() => f.apply({}, null)).toThrow(hk.TransformError);
  });
});

describe("withoutState / withEmptyState", () => {
  it("withoutState hides state and fails when there is some", () => {
    const stateless = hk.withoutState(hk.transformWithState((x: tf.Tensor) => new Linear(1).call(x)));
    const x = tf.ones([1, 2]);
    const p = stateless.init(null, x);
    expect(vals(stateless.apply(p, null, x))).toEqual([2]);
    const stateful = hk.withoutState(hk.transformWithState(() => hk.getState("s", { shape: [], init: zeros })));
    const before = tf.memory().numTensors;
    expect(() => stateful.init(null)).toThrow(hk.NonEmptyStateError);
    expect(() => stateful.apply({}, null)).toThrow("then use `hk.transformWithState`");
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose(p);
    x.dispose();
  });

  it("withEmptyState adds {} state", () => {
    const f = hk.withEmptyState(hk.transform(() => 3));
    const [p, s] = f.init(null);
    expect([p, s]).toEqual([{}, {}]);
    expect(f.apply(p, { ignored: {} }, null)).toEqual([3, {}]);
  });
});

describe("multiTransform", () => {
  const make = () =>
    hk.multiTransform(() => {
      const enc = new Linear(2, { name: "enc" });
      const dec = new Linear(3, { name: "dec" });
      return [
        (x: tf.Tensor) => dec.call(enc.call(x)),
        { encode: (x: tf.Tensor) => enc.call(x), decode: (z: tf.Tensor) => dec.call(z) },
      ] as const;
    });

  it("shares parameters between the apply functions", () => {
    const f = make();
    const x = tf.ones([1, 3]);
    const p = f.init(null, x);
    expect(Object.keys(p)).toEqual(["enc", "dec"]);
    const z = f.apply.encode(p, null, x);
    expect(vals(z)).toEqual([3, 3]);
    const y = f.apply.decode(p, null, z);
    expect(vals(y)).toEqual([6, 6, 6]);
    expect(hk.argNames(f.apply.decode)).toEqual(["params", "rng", "z"]);
    expect(hk.argNames(f.init)).toEqual(["rng", "x"]);
    const g = hk.withoutApplyRng(f);
    const z2 = g.apply.encode(p, x);
    expect(vals(z2)).toEqual([3, 3]);
    tree.dispose([p, z, y, z2, x]);
  });

  it("with state, and state errors pointing to multiTransformWithState", () => {
    const f = hk.multiTransformWithState(() => {
      const count = () => {
        const c = hk.getState("c", { shape: [], init: zeros });
        hk.setState("c", tf.add(c, 1));
        return c;
      };
      return [count, [count]] as const;
    });
    const [p, s] = f.init(null);
    const [out, s2] = f.apply[0](p, s, null);
    expect(vals(out)).toEqual([0]);
    expect(vals(s2["~"]!["c"])).toEqual([1]);
    tree.dispose([s, out, s2]);
    const bad = hk.multiTransform(() => [() => hk.getState("c", { shape: [], init: zeros }), {}] as const);
    expect(() => bad.init(null)).toThrow("then use `hk.multiTransformWithState`");
  });
});

describe("immutability and ownership", () => {
  it("returns deep-frozen, insertion-ordered plain objects", () => {
    const f = hk.transformWithState((x: tf.Tensor) => {
      hk.setState("s", { a: tf.scalar(1) });
      return new Linear(1).call(x);
    });
    const x = tf.ones([1, 2]);
    const [p, s] = f.init(null, x);
    expect(Object.isFrozen(p) && Object.isFrozen(p["linear"])).toBe(true);
    expect(Object.isFrozen(s) && Object.isFrozen(s["~"]) && Object.isFrozen(s["~"]!["s"])).toBe(true);
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.keys(p["linear"]!)).toEqual(["w", "b"]);
    tree.dispose([p, s, x]);
  });

  it("never mutates or aliases the caller's containers and tensors", () => {
    const f = hk.transformWithState(() => {
      const w = hk.getParameter("w", [1], { init: ones });
      hk.getState("keep", { shape: [1], init: zeros });
      return { w, st: hk.getState("keep") };
    });
    const [p, s] = f.init(null);
    const params = { "~": { ...p["~"] } };
    const state = { "~": { ...s["~"] } };
    const [out, s2] = f.apply(params, state, null);
    // Inputs untouched and not frozen by us.
    expect(Object.isFrozen(params) || Object.isFrozen(state)).toBe(false);
    expect(Object.keys(state["~"])).toEqual(["keep"]);
    // Outputs are new handles (same values), even for a param returned as output or passed-through state.
    expect(out.w).not.toBe(p["~"]!["w"]);
    expect(out.st).not.toBe(s["~"]!["keep"]);
    expect(s2["~"]!["keep"]).not.toBe(s["~"]!["keep"]);
    expect(s2["~"]!["keep"]).not.toBe(out.st);
    expect(s2).not.toBe(state);
    // Disposing what apply returned leaves the inputs intact, and vice versa.
    tree.dispose(out);
    expect(vals(p["~"]!["w"])).toEqual([1]);
    tree.dispose(s);
    expect(vals(s2["~"]!["keep"])).toEqual([0]);
    tree.dispose([p, s2]);
  });

  it("a failed call leaves no tensors behind and changes nothing the caller holds", () => {
    const f = hk.transformWithState((x: tf.Tensor, fail: boolean) => {
      const y = new Linear(2).call(x);
      hk.setState("s", tf.add(y, 1));
      if (fail) throw new Error("user error");
      return y;
    });
    const x = tf.ones([1, 2]);
    const [p, s] = f.init(null, x, false);
    const before = tf.memory().numTensors;
    expect(() => f.init(null, x, true)).toThrow("user error");
    expect(() => f.apply(p, s, null, x, true)).toThrow("user error");
    expect(() => f.apply(p, s, null, tf.ones([1, 5]), false)).toThrow("does not match");
    expect(tf.memory().numTensors).toBe(before + 1); // the tf.ones([1, 5]) argument above
    expect(Object.keys(s["~"]!)).toEqual(["s"]);
    expect(vals(s["~"]!["s"])).toEqual([3, 3]);
    // The stacks are clean: a module made now is top-level.
    expect(hk.transform(() => new Linear(1).moduleName).apply({}, null)).toBe("linear");
    tree.dispose([p, s, x]);
  });

  it("keeps numTensors flat over 100 stateful apply calls", () => {
    @hk.module
    class Net extends hk.Module {
      call(x: tf.Tensor) {
        const n = hk.getState("n", { shape: [], init: zeros });
        hk.setState("n", tf.add(n, 1));
        hk.getState("untouched", { shape: [2], init: ones });
        return tf.relu(new Linear(4).call(new Linear(3).call(x)));
      }
    }
    const f = hk.transformWithState((x: tf.Tensor) => new Net().call(x));
    const x = tf.ones([2, 3]);
    let [params, state] = f.init(0, x);
    const start = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const [out, newState] = f.apply(params, state, null, x);
      out.dispose();
      tree.dispose(state);
      state = newState;
    }
    expect(tf.memory().numTensors).toBe(start);
    expect(vals(state["net"]!["n"])).toEqual([100]);
    expect(vals(state["net"]!["untouched"])).toEqual([1, 1]);
    tree.dispose([params, state, x]);
  });

  it("keeps numTensors flat over 100 stateless apply calls and repeated inits", () => {
    const f = hk.transform((x: tf.Tensor) => new Linear(4).call(x));
    const x = tf.ones([2, 3]);
    const p = f.init(1, x);
    const start = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) f.apply(p, null, x).dispose();
    for (let i = 0; i < 10; i++) tree.dispose(f.init(1, x));
    expect(tf.memory().numTensors).toBe(start);
    tree.dispose([p, x]);
  });
});

describe("ORIGINAL_FN", () => {
  // Haiku's transform.py keeps `_original_fn` reachable from the transformed pair so that
  // summarise.py's eval_summary can unwrap `f.init` / `f.apply`; here it sits on both functions.
  it("is on the transformed object and on its init and apply, also after the signature wrappers", () => {
    const fn = (x: tf.Tensor) => new Linear(2).call(x);
    const f = hk.transform(fn);
    const g = hk.withoutApplyRng(f);
    const s = hk.transformWithState(fn);
    const w = hk.withoutApplyRng(hk.withoutState(s));
    for (const t of [f, g, s, w]) {
      expect((t as unknown as Record<symbol, unknown>)[hk.ORIGINAL_FN]).toBe(fn);
      expect((t.init as unknown as Record<symbol, unknown>)[hk.ORIGINAL_FN]).toBe(fn);
      expect((t.apply as unknown as Record<symbol, unknown>)[hk.ORIGINAL_FN]).toBe(fn);
      expect(Object.keys(t.apply)).toEqual([]);
      expect(Object.getOwnPropertyDescriptor(t.apply, hk.ORIGINAL_FN)!.enumerable).toBe(false);
    }
    // The wrapped pairs still run.
    const x = tf.ones([1, 3]);
    const p = g.init(0, x);
    const y = g.apply(p, x) as tf.Tensor;
    expect(y.shape).toEqual([1, 2]);
    tree.dispose([p, x, y]);
  });
});
