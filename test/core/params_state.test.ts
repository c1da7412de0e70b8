// Parameters, state and interceptors, following Haiku's base_test.py / transform_test.py
// behaviour as described in Haiku (dm-haiku
// haiku/_src/base.py: get_parameter, get_state, set_state).
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";
import { Linear, disposeTree, ones, shapes, zeros } from "./helpers.js";

const vals = (t: unknown) => Array.from((t as tf.Tensor).dataSync());

describe("getParameter", () => {
  it("creates in init (under ~ outside modules), returns the same tensor on reuse", () => {
    const f = hk.transform(() => {
      const w1 = hk.getParameter("w", [2], { init: ones });
      const w2 = hk.getParameter("w", [2]);
      return w1 === w2;
    });
    let same: unknown;
    const p = hk
      .transform(() => {
        same = f.apply; // silence unused
        const a = hk.getParameter("w", [2], { init: ones });
        same = a === hk.getParameter("w", [2]);
      })
      .init(null);
    expect(same).toBe(true);
    expect(shapes(p)).toEqual({ "~": { w: [2] } });
    expect(f.apply(p, null)).toBe(true);
  });

  it("passes shape and dtype to the initializer; default dtype float32", () => {
    const calls: unknown[] = [];
    const init: hk.Initializer = (shape, dtype) => {
      calls.push([shape, dtype]);
      return tf.zeros(shape, dtype);
    };
    const p = hk
      .transform(() => {
        hk.getParameter("a", [2, 3], { init });
        hk.getParameter("b", [], { init, dtype: "int32" });
      })
      .init(null);
    expect(calls).toEqual([
      [[2, 3], "float32"],
      [[], "int32"],
    ]);
    expect(p["~"]!["b"]!.dtype).toBe("int32");
  });

  it("keeps creation order", () => {
    const p = hk
      .transform(() => {
        hk.getParameter("z", [], { init: ones });
        hk.getParameter("a", [], { init: ones });
        new Linear(1, { name: "zz" }).call(tf.ones([1, 1]));
        new Linear(1, { name: "aa" }).call(tf.ones([1, 1]));
      })
      .init(null);
    expect(Object.keys(p)).toEqual(["~", "zz", "aa"]);
    expect(Object.keys(p["~"]!)).toEqual(["z", "a"]);
  });

  it("fails in apply for a missing parameter, naming parameter and module", () => {
    const f = hk.transform((x: tf.Tensor) => new Linear(2).call(x));
    const x = tf.ones([1, 3]);
    expect(() => f.apply({}, null, x)).toThrow(
      'Unable to retrieve parameter "w" for module "linear". All parameters must be created as part of `init`',
    );
    expect(() => f.apply({ linear: { w: tf.ones([3, 2]) } }, null, x)).toThrow(
      'Unable to retrieve parameter "b" for module "linear"',
    );
    x.dispose();
  });

  it("never takes an inherited property for a parameter (module or parameter named like Object.prototype members)", () => {
    const f = hk.transform(() => hk.getParameter("constructor", [], { init: ones }));
    const g = hk.transform(() => new Linear(1, { name: "toString" }).call(tf.ones([1, 1])));
    expect(() => f.apply({}, null)).toThrow('Unable to retrieve parameter "constructor" for module "~"');
    expect(() => g.apply({}, null)).toThrow('Unable to retrieve parameter "w" for module "toString"');
    const p = f.init(null);
    const out = f.apply(p, null);
    expect(out.dataSync()[0]).toBe(1);
    disposeTree([p, out]);
  });

  it("fails on a shape mismatch with name, expected and actual shapes", () => {
    const f = hk.transform((x: tf.Tensor) => new Linear(2).call(x));
    const p = f.init(null, tf.ones([1, 3]));
    expect(() => f.apply(p, null, tf.ones([1, 4]))).toThrow(
      '"linear/w" with retrieved shape [3, 2] does not match shape=[4, 2] dtype=float32',
    );
    expect(() =>
      hk
        .transform(() => {
          hk.getParameter("w", [1], { init: ones });
          hk.getParameter("w", [2], { init: ones });
        })
        .init(null),
    ).toThrow('"~/w" with retrieved shape [1] does not match shape=[2] dtype=float32');
    disposeTree(p);
  });

  it("fails without an initializer, or with one that returns no tensor", () => {
    expect(() => hk.transform(() => hk.getParameter("w", [1])).init(null)).toThrow(
      'hk.getParameter: Initializer must be specified for parameter "~/w". Fix: ',
    );
    expect(() => hk.transform(() => hk.getParameter("w", [1])).init(null)).toThrow(hk.ParameterError);
    expect(() =>
      hk.transform(() => hk.getParameter("w", [1], { init: (() => [1]) as unknown as hk.Initializer })).init(null),
    ).toThrow('hk.getParameter: the initializer of parameter "~/w" returned an array of length 1');
  });

  it("rejects a malformed bundle and disposed parameters", () => {
    const f = hk.transform(() => hk.getParameter("w", [1], { init: ones }));
    expect(() => f.apply({ "~": tf.ones([1]) as never }, null)).toThrow(
      'hk.getParameter: params["~"] should be an object',
    );
    expect(() => f.apply({ "~": tf.ones([1]) as never }, null)).toThrow(hk.ShapeError);
    const w = tf.ones([1]);
    w.dispose();
    expect(() => f.apply({ "~": { w } }, null)).toThrow('hk.getParameter: parameter "~/w" has been disposed. Fix: ');
    expect(() => f.apply({ "~": { w } }, null)).toThrow(hk.ParameterError);
  });

  it("getParams returns copies of what exists; runningInit tells init from apply", () => {
    const f = hk.transform(() => {
      const before = Object.keys(hk.getParams());
      hk.getParameter("w", [], { init: ones });
      const after = hk.getParams();
      after["x"] = {};
      return [before, Object.keys(hk.getParams()), hk.runningInit()];
    });
    let got: unknown;
    const p = hk
      .transform(() => {
        got = [
          Object.keys(hk.getParams()),
          hk.getParameter("w", [], { init: ones }) && Object.keys(hk.getParams()),
          hk.runningInit(),
        ];
      })
      .init(null);
    expect(got).toEqual([[], ["~"], true]);
    expect(f.apply(p, null)).toEqual([["~"], ["~"], false]);
    expect(() => hk.runningInit()).toThrow(
      "hk.runningInit: `hk.runningInit` must be used as part of an `hk.transform`. Fix: ",
    );
    expect(() => hk.runningInit()).toThrow(hk.TransformError);
    expect(() => hk.getParameter("w", [])).toThrow("`hk.getParameter` must be used as part of an `hk.transform`");
  });
});

describe("state", () => {
  const counter = () => {
    const c = hk.getState("count", { shape: [], dtype: "int32", init: zeros });
    let v = c;
    for (let i = 0; i < 10; i++) {
      v = tf.add(v, tf.scalar(1, "int32"));
      hk.setState("count", v);
    }
    return v;
  };

  it("init returns the first value stored, apply the latest; untouched entries pass through", () => {
    const f = hk.transformWithState(() => {
      const out = counter();
      if (hk.runningInit()) hk.setState("other", tf.scalar(7));
      return out;
    });
    const [p, s] = f.init(null);
    expect(p).toEqual({});
    expect(vals(s["~"]!["count"])).toEqual([0]);
    const [out, s2] = f.apply(p, s, null);
    expect(vals(out)).toEqual([10]);
    expect(Object.keys(s2["~"]!)).toEqual(["count", "other"]);
    expect(vals(s2["~"]!["count"])).toEqual([10]);
    expect(vals(s2["~"]!["other"])).toEqual([7]);
    const [, s3] = f.apply(p, s2, null);
    expect(vals(s3["~"]!["count"])).toEqual([20]);
    [s, out, s2, s3].forEach(disposeTree);
  });

  it("setState first in init fixes the initial value; pytrees and new entries in apply", () => {
    const f = hk.transformWithState(() => {
      hk.setState("avg", { a: tf.scalar(1), b: [tf.scalar(2)] });
      if (!hk.runningInit()) hk.setState("fresh", tf.scalar(3));
      return [hk.getInitialState(), hk.getCurrentState()] as const;
    });
    const [, s] = f.init(null);
    expect(vals((s["~"]!["avg"] as { a: tf.Tensor }).a)).toEqual([1]);
    const [[initial, current], s2] = f.apply({}, s, null);
    // As Haiku's extract_state(initial=True): entries first created in apply count with their first value.
    expect(Object.keys(initial["~"]!)).toEqual(["avg", "fresh"]);
    expect(vals((initial["~"]!["avg"] as { a: tf.Tensor }).a)).toEqual([1]);
    expect(Object.keys(current["~"]!)).toEqual(["avg", "fresh"]);
    expect(Object.keys(s2["~"]!)).toEqual(["avg", "fresh"]);
    disposeTree([s, s2]);
  });

  it("state lives under the module name; stateDict lists it", () => {
    @hk.module
    class Counter extends hk.Module {
      call() {
        const c = hk.getState("n", { shape: [], init: zeros });
        hk.setState("n", tf.add(c, 1));
        return this.stateDict();
      }
    }
    const f = hk.transformWithState(() => Object.keys(new Counter().call()));
    const [p, s] = f.init(null);
    expect(Object.keys(s)).toEqual(["counter"]);
    const [keys, s2] = f.apply(p, s, null);
    expect(keys).toEqual(["counter/n"]);
    disposeTree([s, s2]);
  });

  it("errors: missing init, missing shape, state under hk.transform", () => {
    const missing = hk.transformWithState(() => hk.getState("average"));
    expect(() => missing.init(null)).toThrow('No value for "average" in "~", perhaps set an init function?');
    expect(() => hk.transformWithState(() => hk.getState("x", { init: zeros })).init(null)).toThrow(
      'hk.getState: Must provide shape and dtype to initialize "x" in "~". Fix: ',
    );
    const stateless = hk.transform(() => hk.getState("x", { shape: [], init: zeros }));
    expect(() => stateless.init(null)).toThrow(hk.NonEmptyStateError);
    expect(() => stateless.init(null)).toThrow(hk.ParameterError);
    expect(() => stateless.init(null)).toThrow("then use `hk.transformWithState`");
    expect(() => hk.transform(() => hk.setState("x", 1)).apply({}, null)).toThrow("then use `hk.transformWithState`");
    expect(() => hk.setState("x", 1)).toThrow("`hk.setState` must be used as part of an `hk.transform`");
  });
});

describe("creators, getters, setters", () => {
  it("creators run outermost first, only when creating, and can replace the initializer", () => {
    const log: string[] = [];
    const f = hk.transform(() =>
      hk.customCreator(
        (next, shape, dtype, init, ctx) => {
          log.push(`outer ${ctx.fullName} ${ctx.moduleName} ${ctx.name}`);
          return next(shape, dtype, init);
        },
        () =>
          hk.customCreator(
            (next, shape, dtype) => {
              log.push("inner");
              return next(shape, dtype, zeros);
            },
            () => new Linear(1).call(tf.ones([1, 1])),
          ),
      ),
    );
    const p = f.init(null);
    expect(log).toEqual(["outer linear/w linear w", "inner", "outer linear/b linear b", "inner"]);
    expect(vals(p["linear"]!["w"])).toEqual([0]);
    log.length = 0;
    f.apply(p, null);
    expect(log).toEqual([]);
    disposeTree(p);
  });

  it("getters change what is read, not what is stored; state getters only with state: true", () => {
    const f = hk.transformWithState(() =>
      hk.customGetter(
        (next, value) => next(tf.mul(value as unknown as tf.Tensor, 10) as unknown as typeof value),
        () => [hk.getParameter("w", [], { init: ones }), hk.getState("s", { shape: [], init: ones })],
        { params: true, state: false },
      ),
    );
    const [p, s] = f.init(null);
    expect(vals(p["~"]!["w"])).toEqual([1]);
    const [[w, st]] = f.apply(p, s, null);
    expect(vals(w)).toEqual([10]);
    expect(vals(st)).toEqual([1]);
    disposeTree([p, s, w, st]);
  });

  it("setters see the context and decide what is stored", () => {
    const seen: unknown[] = [];
    const f = hk.transformWithState(() =>
      hk.customSetter(
        (next, value, ctx) => {
          seen.push([ctx.fullName, ctx.originalShape, ctx.originalDtype]);
          return next(tf.add(value as tf.Tensor, 1));
        },
        () => hk.setState("s", tf.zeros([2])),
      ),
    );
    const [, s] = f.init(null);
    expect(vals(s["~"]!["s"])).toEqual([1, 1]);
    expect(seen).toEqual([["~/s", [2], "float32"]]);
    disposeTree(s);
    expect(() =>
      hk.customCreator(
        (n, s, d, i) => n(s, d, i),
        () => 0,
      ),
    ).toThrow("`hk.customCreator` must be used as part of an `hk.transform`");
  });
});
