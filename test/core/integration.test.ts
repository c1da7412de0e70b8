// Transforms composed with tfjs gradients and with each other; stack restoration after errors.
// Behaviour from Haiku's transform_test.py (nested transforms get fresh names) and base.py's
// frame stack.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";
import * as tree from "../../src/tree/index.js";
import { Linear } from "./helpers.js";

const vals = (t: unknown) => Array.from((t as tf.Tensor).dataSync());

describe("gradients through apply", () => {
  it("tf.grads of a loss over apply's params matches the analytic gradient", () => {
    const f = hk.withoutApplyRng(hk.transform((x: tf.Tensor) => new Linear(1).call(x)));
    const x = tf.tensor2d([[1, 2]]);
    const p = f.init(null, x);
    const before = tf.memory().numTensors;
    const [gw, gb] = tf.grads((w: tf.Tensor, b: tf.Tensor) => tf.sum(f.apply({ linear: { w, b } }, x)))([
      p["linear"]!["w"]!,
      p["linear"]!["b"]!,
    ]);
    // d/dw sum(x @ w + b) = x^T, d/db = 1.
    expect(vals(gw)).toEqual([1, 2]);
    expect(vals(gb)).toEqual([1]);
    tree.dispose([gw, gb]);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose([p, x]);
  });

  it("gradients flow through a parameter returned as the output (alias)", () => {
    const f = hk.withoutApplyRng(hk.transform(() => hk.getParameter("w", [2], { init: (s, d) => tf.ones(s, d) })));
    const p = f.init(null);
    const [g] = tf.grads((w: tf.Tensor) => tf.sum(tf.mul(f.apply({ "~": { w } }), 3)))([p["~"]!["w"]!]);
    expect(vals(g)).toEqual([3, 3]);
    tree.dispose([g, p]);
  });
});

describe("nesting and recovery", () => {
  it("a transform run inside another gets its own names, params and rng", () => {
    const inner = hk.transform(() => [new Linear(1).moduleName, Array.from(hk.nextRngKey())]);
    const outer = hk.transform(() => {
      const a = new Linear(1).moduleName;
      const [name] = inner.apply({}, 5) as [string];
      const b = new Linear(1).moduleName;
      return [a, name, b, hk.currentName()];
    });
    expect(outer.apply({}, null)).toEqual(["linear", "linear", "linear_1", "~"]);
  });

  it("restores the module stack when a method throws", () => {
    @hk.module
    class Thrower extends hk.Module {
      call(): never {
        new Linear(1);
        throw new Error("inside");
      }
    }
    const f = hk.transform(() => {
      const t = new Thrower();
      expect(() => t.call()).toThrow("inside");
      return [hk.currentName(), new Linear(1).moduleName];
    });
    expect(f.apply({}, null)).toEqual(["~", "linear"]);
  });

  it("restores interceptor stacks when fn throws", () => {
    const seen: string[] = [];
    const f = hk.transform(() => new Linear(1).call(tf.ones([1, 1])));
    expect(() =>
      hk.interceptMethods(
        (next, args, ctx) => {
          seen.push(ctx.methodName);
          return next(...args);
        },
        () => {
          throw new Error("x");
        },
      ),
    ).toThrow("x");
    tree.dispose(f.init(null));
    expect(seen).toEqual([]);
  });
});
