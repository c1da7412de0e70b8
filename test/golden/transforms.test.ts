// Haiku's transform wrappers against real Haiku (dm-haiku 0.0.17 with jax 0.10.2): every
// expected value here comes from tools/golden/transforms.py, which runs the same programs with
// `hk.lift`, `hk.layer_stack`, `hk.scan`, ... and writes test/golden/fixtures/transforms.json.
// Names, shapes, values for fixed keys, state and rng-dependent outputs are compared.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/index.js";

interface Arr {
  shape: number[];
  dtype: string;
  data: number[];
}
type Fix = Arr | Fix[] | { [k: string]: Fix } | number | boolean | null;
const FIX = JSON.parse(readFileSync(new URL("./fixtures/transforms.json", import.meta.url), "utf8")) as Record<
  string,
  Record<string, Fix>
>;

const isArr = (x: unknown): x is Arr =>
  x !== null && typeof x === "object" && "shape" in x && "data" in x && "dtype" in x;

/** Asserts `ours` (tensors, keys, nested objects/arrays) matches the fixture `fix`. */
function expectMatches(ours: unknown, fix: Fix, path = "", tol = 1e-5): void {
  if (isArr(fix)) {
    if (ours instanceof Uint32Array) {
      expect([ours.length], path).toEqual(fix.shape);
      expect(Array.from(ours), path).toEqual(fix.data);
      return;
    }
    expect(ours, path).toBeInstanceOf(tf.Tensor);
    const t = ours as tf.Tensor;
    expect(t.shape, path).toEqual(fix.shape);
    const got = Array.from(t.dataSync());
    if (fix.dtype.startsWith("float")) {
      got.forEach((v, i) =>
        expect(Math.abs(v - fix.data[i]!), `${path}[${i}]: ${v} vs ${fix.data[i]}`).toBeLessThanOrEqual(
          tol * Math.max(1, Math.abs(fix.data[i]!)),
        ),
      );
    } else expect(got, path).toEqual(fix.data);
    return;
  }
  if (Array.isArray(fix)) {
    expect(Array.isArray(ours), path).toBe(true);
    expect((ours as unknown[]).length, path).toBe(fix.length);
    fix.forEach((f, i) => expectMatches((ours as unknown[])[i], f, `${path}[${i}]`, tol));
    return;
  }
  if (fix !== null && typeof fix === "object") {
    expect(ours !== null && typeof ours === "object", path).toBe(true);
    expect(Object.keys(ours as object).sort(), path).toEqual(Object.keys(fix).sort());
    for (const k of Object.keys(fix)) expectMatches((ours as Record<string, unknown>)[k], fix[k]!, `${path}/${k}`, tol);
    return;
  }
  expect(ours, path).toEqual(fix);
}

const X = tf.div(tf.reshape(tf.range(0, 6, 1, "float32"), [2, 3]), 10);
const noise = (shape: number[]) => hk.random.normal(hk.nextRngKey(), shape);
const initKey = () => (hk.runningInit() ? hk.nextRngKey() : null);

describe("hk.lift family (Haiku lift.py)", () => {
  it("lift: inner params under the outer module's name, rng-dependent apply", () => {
    const inner = hk.transform((x: tf.Tensor) => tf.add(new hk.Linear(2).call(x), noise([2])));
    @hk.module
    class Outer extends hk.Module {
      call(x: tf.Tensor) {
        const params = hk.lift(inner.init, { name: "inner" })(initKey(), x);
        return inner.apply(params, hk.nextRngKey(), x);
      }
    }
    const t = hk.transform((x: tf.Tensor) => tf.add(new Outer().call(x), new hk.Linear(2).call(x)));
    const params = t.init(hk.random.key(42), X);
    const fix = FIX.lift_basic!;
    expectMatches(params, fix.params!);
    expectMatches(t.apply(params, hk.random.key(7), X), fix.out!);
  });

  it("liftWithState: state lifted, updater writes the inner apply's state back", () => {
    const inner = hk.transformWithState((x: tf.Tensor) => {
      const s = hk.getState("count", { shape: [], init: (sh, d) => tf.zeros(sh, d) });
      hk.setState("count", tf.add(s, 1));
      return tf.mul(new hk.Linear(2).call(x), tf.add(s, 1));
    });
    @hk.module
    class Outer extends hk.Module {
      call(x: tf.Tensor) {
        const [f, updater] = hk.liftWithState(inner.init, { name: "inner" });
        const [p, s] = f(initKey(), x);
        const [y, s2] = inner.apply(p, s, null, x);
        updater.update(s2);
        return y;
      }
    }
    const t = hk.transformWithState((x: tf.Tensor) => new Outer().call(x));
    const fix = FIX.lift_with_state_basic!;
    const [params, state] = t.init(hk.random.key(3), X);
    expectMatches(params, fix.params!);
    expectMatches(state, fix.state!);
    const [out, state2] = t.apply(params, state, null, X);
    expectMatches(out, fix.out!);
    expectMatches(state2, fix.state2!);
    const [out3, state3] = t.apply(params, state2, null, X);
    expectMatches(out3, fix.out3!);
    expectMatches(state3, fix.state3!);
  });

  it("transparentLift: the inner names unchanged (under the enclosing module)", () => {
    const inner = hk.transform((x: tf.Tensor) => new hk.nets.MLP([3, 2]).call(x));
    @hk.module
    class Outer extends hk.Module {
      call(x: tf.Tensor) {
        return inner.apply(hk.transparentLift(inner.init)(initKey(), x), null, x);
      }
    }
    const t = hk.transform((x: tf.Tensor) =>
      tf.add(new Outer().call(x), hk.transparentLift(inner.init)(hk.maybeNextRngKey(), x)["mlp/~/linear_1"]!["b"]!),
    );
    const fix = FIX.transparent_lift_basic!;
    const params = t.init(hk.random.key(5), X);
    expectMatches(params, fix.params!);
    expectMatches(t.apply(params, null, X), fix.out!);
  });

  it("transparentLiftWithState at the top level", () => {
    const inner = hk.transformWithState((x: tf.Tensor) => {
      hk.setState("last", tf.sum(x));
      return new hk.Linear(1).call(x);
    });
    const t = hk.transformWithState((x: tf.Tensor) => {
      const [fn, updater] = hk.transparentLiftWithState(inner.init);
      const [p, s] = fn(hk.maybeNextRngKey(), x);
      const [y, s2] = inner.apply(p, s, null, tf.mul(x, 2));
      updater.update(s2);
      return y;
    });
    const fix = FIX.transparent_lift_with_state_basic!;
    const [params, state] = t.init(hk.random.key(9), X);
    expectMatches(params, fix.params!);
    expectMatches(state, fix.state!);
    const [out, state2] = t.apply(params, state, null, X);
    expectMatches(out, fix.out!);
    expectMatches(state2, fix.state2!);
  });
});

describe("hk.layerStack (Haiku layer_stack.py)", () => {
  it("stacked params under the module, per-layer keys as Haiku splits them", () => {
    const layer = (x: tf.Tensor) => tf.add(tf.tanh(new hk.Linear(3).call(x)), noise([3]));
    @hk.module
    class Net extends hk.Module {
      call(x: tf.Tensor) {
        return hk.layerStack(3)(layer)(x);
      }
    }
    const t = hk.transform((x: tf.Tensor) => new Net().call(x));
    const fix = FIX.layer_stack_basic!;
    const params = t.init(hk.random.key(11), X);
    expect(Object.keys(params)).toEqual(["net/__layer_stack_no_per_layer/linear"]);
    expectMatches(params, fix.params!);
    expectMatches(t.apply(params, hk.random.key(12), X), fix.out!);
    expectMatches(t.apply(params, hk.random.key(11), X), fix.init_out!);
  });

  it("several arguments and state, named stack", () => {
    const layer = (x: tf.Tensor, y: tf.Tensor) => {
      const n = hk.getState("n", { shape: [], init: (s, d) => tf.zeros(s, d) });
      hk.setState("n", tf.add(n, tf.sum(x)));
      return [tf.add(new hk.Linear(3, { withBias: false }).call(x), y), tf.mul(y, 2)];
    };
    const t = hk.transformWithState((x: tf.Tensor, y: tf.Tensor) => hk.layerStack(2, { name: "stack" })(layer)(x, y));
    const fix = FIX.layer_stack_two_args_state!;
    const Y = tf.add(X, 1);
    const [params, state] = t.init(hk.random.key(1), X, Y);
    expectMatches(params, fix.params!);
    expectMatches(state, fix.state!);
    const [out, state2] = t.apply(params, state, null, X, Y);
    expectMatches(out, fix.out!);
    expectMatches(state2, fix.state2!);
  });

  it("withPerLayerInputs: per-layer slices in, stacked outputs out", () => {
    const layer = (x: tf.Tensor, y: tf.Tensor) => [tf.mul(new hk.Linear(3).call(x), y), tf.add(tf.sum(x), noise([]))];
    const t = hk.transform((x: tf.Tensor, ys: tf.Tensor) =>
      hk.layerStack(4, { withPerLayerInputs: true })(layer)(x, ys),
    );
    const ys = tf.div(tf.range(0, 4, 1, "float32"), 4);
    const fix = FIX.layer_stack_per_layer!;
    const params = t.init(hk.random.key(2), X, ys);
    expectMatches(params, fix.params!);
    expectMatches(t.apply(params, hk.random.key(4), X, ys), fix.out!);
  });
});

const XS = tf.div(tf.reshape(tf.range(0, 12, 1, "float32"), [4, 3]), 12);
const zerosInit = (s: number[], d: tf.DataType) => tf.zeros(s, d);

describe("hk.scan, hk.map, hk.foriLoop, hk.whileLoop, hk.cond, hk.switch (Haiku stateful.py)", () => {
  const scanProgram = (reverse: boolean) =>
    hk.transformWithState((xs: tf.Tensor) => {
      const lin = new hk.Linear(3);
      const body = (c: tf.Tensor, x: tf.Tensor): [tf.Tensor, tf.Tensor] => {
        const n = hk.getState("n", { shape: [], init: zerosInit });
        hk.setState("n", tf.add(n, 1));
        const h = tf.add(tf.tanh(tf.add(lin.call(x), c)), tf.mul(noise([3]), 0.1));
        return [h, tf.mul(h, n)];
      };
      const [carry, ys] = hk.scan(body, tf.zeros([3]), xs, { reverse });
      return [carry, ys, noise([2])];
    });

  for (const [name, reverse] of [
    ["scan_basic", false],
    ["scan_reverse", true],
  ] as const) {
    it(`${name}: params from the first step, state threaded, keys as Haiku`, () => {
      const t = scanProgram(reverse);
      const fix = FIX[name]!;
      const [params, state] = t.init(hk.random.key(21), XS);
      expectMatches(params, fix.params!);
      expectMatches(state, fix.state!);
      const [out, state2] = t.apply(params, state, hk.random.key(22), XS);
      expectMatches(out, fix.out!);
      expectMatches(state2, fix.state2!);
    });
  }

  it("map", () => {
    const t = hk.transform((xs: tf.Tensor) => {
      const lin = new hk.Linear(2);
      return [hk.map((x: tf.Tensor) => tf.add(lin.call(x), noise([2])), xs), noise([])];
    });
    const fix = FIX.map_basic!;
    const params = t.init(hk.random.key(31), XS);
    expectMatches(params, fix.params!);
    expectMatches(t.apply(params, hk.random.key(32), XS), fix.out!);
  });

  it("foriLoop", () => {
    const t = hk.transformWithState((x: tf.Tensor) => {
      const lin = new hk.Linear(3);
      const body = (i: number, v: tf.Tensor) => {
        hk.setState("last_i", tf.scalar(i));
        return tf.add(tf.tanh(lin.call(v)), tf.mul(noise([3]), 0.1));
      };
      return [hk.foriLoop(0, 3, body, x), noise([])];
    });
    const fix = FIX.fori_loop_basic!;
    const [params, state] = t.init(hk.random.key(41), X);
    expectMatches(params, fix.params!);
    expectMatches(state, fix.state!);
    const [out, state2] = t.apply(params, state, hk.random.key(42), X);
    expectMatches(out, fix.out!);
    expectMatches(state2, fix.state2!);
  });

  it("whileLoop", () => {
    const t = hk.transform((x: tf.Tensor) => {
      const lin = new hk.Linear(3);
      if (hk.runningInit()) return [lin.call(x), noise([])];
      const [, h] = hk.whileLoop(
        (v: [number, tf.Tensor]) => v[0] < 3,
        ([c, h]: [number, tf.Tensor]): [number, tf.Tensor] => [
          c + 1,
          tf.add(tf.tanh(lin.call(h)), tf.mul(noise([3]), 0.1)),
        ],
        [0, x] as [number, tf.Tensor],
      );
      return [h, noise([])];
    });
    const fix = FIX.while_loop_basic!;
    const params = t.init(hk.random.key(51), X);
    expectMatches(params, fix.params!);
    expectMatches(t.apply(params, hk.random.key(52), X), fix.out!);
  });

  it("cond and switch (index clamped), state created and updated inside branches", () => {
    const t = hk.transformWithState((x: tf.Tensor, pred: boolean, index: number) => {
      const a = new hk.Linear(2, { name: "a" });
      const b = new hk.Linear(2, { name: "b" });
      const c = new hk.Linear(2, { name: "c" });
      if (hk.runningInit()) return [tf.addN([a.call(x), b.call(x), c.call(x)]), noise([])];
      const count = (m: hk.Linear) => (v: tf.Tensor) => {
        const n = hk.getState("calls", { shape: [], init: zerosInit });
        hk.setState("calls", tf.add(n, 1));
        return tf.add(m.call(v), noise([2]));
      };
      const y1 = hk.cond(pred, count(a), count(b), x);
      const y2 = hk.switch(index, [count(a), count(b), count(c)], x);
      const y3 = hk.switch(index + 5, [count(a), count(b), count(c)], x);
      return [[y1, y2, y3], noise([])];
    });
    const fix = FIX.cond_switch_basic!;
    const [params, state] = t.init(hk.random.key(61), X, true, 0);
    expectMatches(params, fix.params!);
    expectMatches(state, fix.state!);
    const [out, state2] = t.apply(params, state, hk.random.key(62), X, false, 1);
    expectMatches(out, fix.out!);
    expectMatches(state2, fix.state2!);
  });
});

describe("hk.vmap (Haiku stateful.vmap)", () => {
  const program = (splitAtApply: boolean) =>
    hk.transformWithState((xs: tf.Tensor, z: tf.Tensor) => {
      const lin = new hk.Linear(2);
      const g = (x: tf.Tensor, zz: tf.Tensor): [tf.Tensor, tf.Tensor] => {
        const n = hk.getState("n", { shape: [], init: zerosInit });
        hk.setState("n", tf.add(n, 1));
        return [tf.add(tf.mul(lin.call(x), zz), noise([2])), noise([])];
      };
      const splitRng = !hk.runningInit() && splitAtApply;
      const [y, k] = hk.vmap(g, { inAxes: [0, null], outAxes: [1, 0], splitRng })(xs, z);
      return [y, k, noise([])];
    });

  for (const [name, split] of [
    ["vmap_shared_rng", false],
    ["vmap_split_rng", true],
  ] as const) {
    it(`${name}: params shared, state unmapped, keys as Haiku`, () => {
      const t = program(split);
      const fix = FIX[name]!;
      const z = tf.scalar(2);
      const [params, state] = t.init(hk.random.key(71), XS, z);
      expectMatches(params, fix.params!);
      expectMatches(state, fix.state!);
      const [out, state2] = t.apply(params, state, hk.random.key(72), XS, z);
      expectMatches(out, fix.out!);
      expectMatches(state2, fix.state2!);
    });
  }
});

describe("hk.vmap in init", () => {
  it("every element draws the keys element 0 draws (params created again, element 0's kept)", () => {
    const t = hk.transformWithState((xs: tf.Tensor) => {
      const lin = new hk.Linear(2);
      return hk.vmap(
        (x: tf.Tensor) => {
          const y = lin.call(x);
          hk.setState("k", noise([]));
          return y;
        },
        { splitRng: false },
      )(xs);
    });
    const fix = FIX.vmap_init_same_keys!;
    const [params, state] = t.init(hk.random.key(81), XS);
    expectMatches(params, fix.params!);
    expectMatches(state, fix.state!);
  });
});

describe("hk.remat (Haiku stateful.remat)", () => {
  it("value, outputs, state and gradients as Haiku's", () => {
    const t = hk.transformWithState((x: tf.Tensor) => {
      const block = hk.remat((h: tf.Tensor) => {
        const y = tf.tanh(new hk.Linear(3).call(h));
        hk.setState("mean", tf.mean(y));
        return tf.add(y, tf.mul(noise(y.shape), 0.1));
      });
      let h = x;
      for (let i = 0; i < 3; i++) h = block(h);
      return h;
    });
    const fix = FIX.remat_grads!;
    const [params, state] = t.init(hk.random.key(91), X);
    expectMatches(params, fix.params!);
    let out: unknown;
    let state2: unknown;
    const [value, grads] = hk.valueAndGrad((p: hk.Params) => {
      const [y, s] = t.apply(p, state, hk.random.key(92), X);
      out = tf.keep(y.clone());
      state2 = hk.tree.map((v: tf.Tensor) => tf.keep(v.clone()), s);
      return tf.add(tf.sum(tf.square(y)), s["~"]!["mean"] as tf.Tensor);
    })(params);
    expectMatches(value, fix.value!);
    expectMatches(out, fix.out!);
    expectMatches(state2, fix.state2!);
    expectMatches(grads, fix.grads!, "", 1e-4);
  });
});

describe("key reserves around loops (Haiku reserve_up_to_full_rng_block)", () => {
  it("keys reserved beyond one are dropped before the loop and after every step", () => {
    const t = hk.transform((xs: tf.Tensor) => {
      hk.reserveRngKeys(3);
      const [, ys] = hk.scan(
        (c: null, x: tf.Tensor): [null, tf.Tensor] => {
          hk.reserveRngKeys(2);
          return [c, tf.add(x, noise([3]))];
        },
        null,
        xs,
      );
      return [ys, noise([])];
    });
    expectMatches(t.apply({}, hk.random.key(101), XS), FIX.scan_reserved_keys!.out!);
  });
});
