// JaxLayer reads callFn's parameter names from its source, and bundlers rename parameters: esbuild
// (hence tsx, and Vite before version 8) turns `(params, inputs) => ...` into `(params2, inputs2) => ...`
// when a top-level `params` / `inputs` exists. These tests bundle a small file with the real
// esbuild, run it with node, and check what JaxLayer makes of the renamed function.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

import { CALL_FN_ARGS, INIT_FN_ARGS, canonicalArgName, validateSignature } from "../../src/keras/signature.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Inside the repository, so the bundle's external imports (@tensorflow/*) resolve from node_modules.
mkdirSync(join(root, "node_modules", ".cache"), { recursive: true });
const outDir = mkdtempSync(join(root, "node_modules", ".cache", "haiku-bundle-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

interface Case {
  source: string;
  args?: string[];
  y?: number[];
  error?: string;
}

async function bundleAndRun(minify: boolean): Promise<{ inline: Case; named: Case }> {
  const outfile = join(outDir, minify ? "min.mjs" : "plain.mjs");
  await build({
    entryPoints: [join(root, "test", "keras", "fixtures", "bundled_call_fn.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    minify,
    outfile,
    logLevel: "silent",
  });
  // stderr is captured: the bundle uses the cpu backend without the runtime, which would print its banner.
  const out = execFileSync(process.execPath, [outfile], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out) as { inline: Case; named: Case };
}

describe("JaxLayer callFn names after bundling", () => {
  it("accepts an inline (params, inputs) => ... that esbuild renamed to (params2, inputs2)", async () => {
    const { inline, named } = await bundleAndRun(false);
    expect(inline.source).toMatch(/^\(params2, inputs2\) =>/); // the renaming really happened
    expect(inline.error).toBeUndefined();
    expect(inline.args).toEqual(["params", "inputs"]);
    expect(inline.y).toEqual([9, 12]); // [1, 1, 1] @ [[1, 2], [3, 4], [5, 6]]
    expect(named.y).toEqual([9, 12]);
  });

  it("after minifying: names it cannot map get Keras' error and a pointer to withArgNames, which works", async () => {
    const { inline, named } = await bundleAndRun(true);
    expect(inline.source).not.toContain("params");
    expect(inline.error).toMatch(/^JaxLayer '.+': Missing required argument in `call_fn`: `inputs`/);
    expect(inline.error).toContain("withArgNames(fn, names)");
    expect(named.args).toEqual(["params", "inputs"]);
    expect(named.y).toEqual([9, 12]);
  });
});

describe("canonicalArgName", () => {
  it("maps esbuild's `name` + digits and Rollup's `name$digits` to the allowed name", () => {
    expect(canonicalArgName("params", CALL_FN_ARGS)).toBe("params");
    expect(canonicalArgName("params2", CALL_FN_ARGS)).toBe("params");
    expect(canonicalArgName("inputs13", CALL_FN_ARGS)).toBe("inputs");
    expect(canonicalArgName("state$1", CALL_FN_ARGS)).toBe("state");
    expect(canonicalArgName("training2", INIT_FN_ARGS)).toBe("training");
  });

  it("maps nothing else", () => {
    for (const n of ["params_2", "paramsX", "params$", "params2a", "2params", "param", "x", "rng$a", ""]) {
      expect(canonicalArgName(n, CALL_FN_ARGS)).toBeNull();
    }
    expect(canonicalArgName("params2", INIT_FN_ARGS)).toBeNull(); // initFn takes no params
  });
});

describe("validateSignature with renamed names", () => {
  const validate = (fn: unknown): string[] => validateSignature("l", fn, "call_fn", "callFn", CALL_FN_ARGS, ["inputs"]);

  it("returns the allowed names in declared order", () => {
    expect(validate(new Function("rng2", "inputs2", "params$1", "return inputs2;"))).toEqual([
      "rng",
      "inputs",
      "params",
    ]);
  });

  it("keeps Keras' error for names that are not renamings", () => {
    expect(() => validate(new Function("params", "inputs", "mode", "return inputs;"))).toThrow(
      /^JaxLayer 'l': Unsupported argument in `call_fn`: `mode`, supported arguments are `params`, `state`, `rng`, `inputs`, `training`.* Fix: /,
    );
    expect(() => validate(new Function("params", "x2", "return x2;"))).toThrow(
      /^JaxLayer 'l': Missing required argument in `call_fn`: `inputs`/,
    );
  });

  it("rejects two names that stand for the same argument", () => {
    expect(() => validate(new Function("params", "params2", "inputs", "return inputs;"))).toThrow(
      "JaxLayer 'l': `callFn` declares (params, params2, inputs), where both `params` and `params2` stand for `params`",
    );
  });
});
