import { describe, expect, it } from "vitest";
import { argNames, parseArgNames, withArgNames } from "../../src/core/arg_names.js";

describe("argNames", () => {
  it("reads arrow functions, defaults, rest and destructuring", () => {
    expect(argNames((params: unknown, inputs: unknown, training = false) => [params, inputs, training])).toEqual([
      "params",
      "inputs",
      "training",
    ]);
    expect(parseArgNames("x => x")).toEqual(["x"]);
    expect(parseArgNames("async (a, {b, c} = {b: (1, 2)}, ...rest) => a")).toEqual(["a", "{...}", "...rest"]);
    expect(parseArgNames("function f(a /* (x, y) */, b = 'a,)') { return a; }")).toEqual(["a", "b"]);
    expect(parseArgNames("call(inputs, training) { return inputs; }")).toEqual(["inputs", "training"]);
    expect(parseArgNames("() => 1")).toEqual([]);
  });
  it("prefers explicit annotations", () => {
    const f = withArgNames((...args: unknown[]) => args, ["params", "rng", "inputs"]);
    expect(argNames(f)).toEqual(["params", "rng", "inputs"]);
  });
});
