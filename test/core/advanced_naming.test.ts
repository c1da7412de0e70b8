// hk.forceName, hk.nameLike and hk.DO_NOT_STORE, following Haiku's module_test.py
// (force_name's tests; name_like's
// docstring example in module.py) and base_test.py's DO_NOT_STORE tests.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";
import * as tree from "../../src/tree/index.js";
import { Linear, ones } from "./helpers.js";

describe("forceName", () => {
  it("uses the exact name, shares params, and reserves the name", () => {
    @hk.module
    class Outer extends hk.Module {
      call(x: tf.Tensor) {
        return new Linear(1, { name: hk.forceName("foo") }).call(x);
      }
    }
    const f = hk.transform((x: tf.Tensor) => {
      const a = new Linear(1, { name: hk.forceName("foo") });
      const b = new Outer();
      a.call(x);
      b.call(x);
      const later = new Linear(1, { name: "foo" });
      return [a.moduleName, later.moduleName];
    });
    const x = tf.ones([1, 2]);
    const p = f.init(null, x);
    expect(Object.keys(p)).toEqual(["foo"]);
    expect(f.apply(p, null, x)).toEqual(["foo", "foo_1"]);
    const g = hk.transform(() => new Linear(1, { name: hk.forceName("enc/~/lin") }).moduleName);
    expect(g.apply({}, null)).toBe("enc/~/lin");
    expect(() => hk.transform(() => new Linear(1, { name: hk.forceName("a//b") })).init(null)).toThrow(
      "is not a valid module name",
    );
    tree.dispose([p, x]);
  });
});

describe("nameLike", () => {
  it("names submodules as if made in the given method; numbering per invocation", () => {
    @hk.module
    class Autoencoder extends hk.Module {
      @hk.nameLike("call")
      encode(x: tf.Tensor) {
        return new Linear(2, { name: "enc" }).call(x);
      }
      @hk.nameLike("call")
      decode(x: tf.Tensor) {
        return new Linear(2).call(x);
      }
      @hk.nameLike("call")
      decode2(x: tf.Tensor) {
        return new Linear(2).call(x);
      }
      call(x: tf.Tensor) {
        return this.decode2(this.decode(this.encode(x)));
      }
    }
    const seen: string[] = [];
    const f = hk.transform((x: tf.Tensor) =>
      hk.interceptMethods(
        (next, args, ctx) => {
          seen.push(ctx.methodName);
          return next(...args);
        },
        () => new Autoencoder().call(x),
      ),
    );
    const p = f.init(null, tf.ones([1, 2]));
    // Haiku's docstring: unnamed Linears in two name_like("__call__") methods both become autoencoder/linear.
    expect(Object.keys(p)).toEqual(["autoencoder/enc", "autoencoder/linear"]);
    // Interceptors see the real method names (Linear's own methods are "call").
    expect(seen).toEqual(["call", "encode", "call", "decode", "call", "decode2", "call"]);
    tree.dispose(p);
  });
});

describe("DO_NOT_STORE", () => {
  it("a creator returning it stores nothing; a getter supplies the value", () => {
    let got: number[] = [];
    const f = hk.transformWithState(() =>
      hk.customCreator(
        () => hk.DO_NOT_STORE,
        () =>
          hk.customGetter(
            (next, value, ctx) => {
              expect(value).toBe(hk.DO_NOT_STORE);
              return next(tf.fill([1], ctx.name === "w" ? 5 : 6) as unknown as typeof value);
            },
            () => {
              got = [
                ...Array.from(hk.getParameter("w", [1], { init: ones }).dataSync()),
                ...Array.from(hk.getState<tf.Tensor>("s", { shape: [1], init: ones }).dataSync()),
              ];
              return [hk.getParams(), hk.getCurrentState()];
            },
            { params: true, state: true },
          ),
        { params: true, state: true },
      ),
    );
    const [p, s] = f.init(null);
    expect(got).toEqual([5, 6]);
    expect([p, s]).toEqual([{}, {}]);
    expect(() => hk.DO_NOT_STORE.shape).toThrow("hk.DO_NOT_STORE: has no shape");
    expect(() => hk.DO_NOT_STORE.shape).toThrow(hk.InvalidArgumentError);
  });

  it("a setter returning it drops the write; without a getter the read is an error", () => {
    const f = hk.transformWithState(() =>
      hk.customSetter(
        () => hk.DO_NOT_STORE,
        () => hk.setState("x", tf.ones([1])),
      ),
    );
    const [, s] = f.init(null);
    expect(s).toEqual({});
    const g = hk.transform(() =>
      hk.customCreator(
        () => hk.DO_NOT_STORE,
        () => hk.getParameter("w", [1], { init: ones }),
      ),
    );
    expect(() => g.init(null)).toThrow(
      /^hk\.getParameter: parameter "~\/w" was not stored \(`hk\.DO_NOT_STORE`\) and no custom getter supplied a value\. Fix: /,
    );
    expect(() => g.init(null)).toThrow(hk.ParameterError);
  });
});
