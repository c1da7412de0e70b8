// The error format every misuse follows, and the error classes users can catch.
import * as tf from "@tensorflow/tfjs-core";
import { describe as group, expect, it } from "vitest";
import { HaikuError, InvalidArgumentError, ShapeError, formatMessage } from "../../src/util/errors.js";
import { describe } from "../../src/util/describe.js";

group("HaikuError", () => {
  it("reads `where: problem. Fix: fix` and keeps its parts", () => {
    const e = new InvalidArgumentError(
      "hk.optim.adam",
      '`learningRate` must be a finite number, got the string "x"',
      "pass a number such as 1e-3.",
    );
    expect(e.message).toBe(
      'hk.optim.adam: `learningRate` must be a finite number, got the string "x". Fix: pass a number such as 1e-3.',
    );
    expect(e).toBeInstanceOf(HaikuError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("InvalidArgumentError");
    expect(e.where).toBe("hk.optim.adam");
    expect(e.fix).toBe("pass a number such as 1e-3.");
    expect(new ShapeError("Linear 'linear'", "bad")).not.toBeInstanceOf(InvalidArgumentError);
  });

  it("does not double the period", () => {
    expect(formatMessage("w", "it failed.")).toBe("w: it failed.");
    expect(formatMessage("w", "it failed")).toBe("w: it failed.");
  });
});

group("describe", () => {
  it("names the kind of value and, briefly, the value", () => {
    const t = tf.zeros([2, 3]);
    expect(describe(t)).toBe("a float32 tensor of shape [2, 3]");
    t.dispose();
    expect(describe([1, 2])).toBe("an array of length 2");
    expect(describe({ w: 1, b: 2 })).toBe("an object with keys [b, w]");
    expect(describe(3)).toBe("the number 3");
    expect(describe("x")).toBe('the string "x"');
    expect(describe(null)).toBe("null");
    expect(describe(function f() {})).toBe("function f");
    expect(describe(new Uint32Array(2))).toBe("a Uint32Array of length 2");
  });
});
