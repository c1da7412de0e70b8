// Parameter names survive bundling and minifying: the same model (fixture/model.ts) is bundled
// with esbuild (plain and --minify, standard decorators) and Vite 8 (library mode, minified,
// the repository's tsconfig: legacy decorators), each bundle runs in a child Node process, and
// its parameter names are compared with the unbundled run in this process.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as esbuild from "esbuild";
import { build as viteBuild } from "vite";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "./fixture/model.js";

type Result = Record<string, string[] | { error: string }>;

const root = fileURLToPath(new URL("../..", import.meta.url));
// Inside the repository, so that the bundles' external imports (@tensorflow/*, and the
// package's own `#tfjs-*` imports) resolve as they would in an app.
const out = `${root}test/bundling/out/names`;
const entry = `${root}test/bundling/fixture/main.ts`;
const RENAMED = "has no Haiku name that survives bundling";

async function runBundle(file: string): Promise<Result> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Result;
}

async function buildEsbuild(minify: boolean): Promise<string> {
  const outfile = `${out}/esbuild${minify ? "-min" : ""}/main.mjs`;
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify,
    format: "esm",
    platform: "node",
    // es2022 makes esbuild lower standard decorators (as a browser target without them would).
    target: "es2022",
    external: ["@tensorflow/*", "#tfjs-*"],
    // Standard (TC39) decorators, for the library and the fixture alike.
    tsconfigRaw: { compilerOptions: { experimentalDecorators: false, verbatimModuleSyntax: true } },
    logLevel: "error",
  });
  return outfile;
}

async function buildVite(): Promise<string> {
  await viteBuild({
    configFile: false,
    root,
    logLevel: "error",
    build: {
      outDir: `${out}/vite`,
      emptyOutDir: true,
      minify: true,
      target: "es2022",
      lib: { entry, formats: ["es"], fileName: "main" },
      rolldownOptions: { external: [/^@tensorflow\//] },
    },
  });
  return `${out}/vite/main.js`;
}

describe("names in bundles", () => {
  let unbundled: Result;
  const bundled: Record<string, Result> = {};

  beforeAll(async () => {
    await rm(out, { recursive: true, force: true });
    const files = {
      esbuild: await buildEsbuild(false),
      "esbuild --minify": await buildEsbuild(true),
      "vite build": await buildVite(),
    };
    const results = await Promise.all(Object.values(files).map(runBundle));
    Object.keys(files).forEach((k, i) => (bundled[k] = results[i]!));
    unbundled = await run();
  }, 120_000);

  it("unbundled, names are Haiku's", () => {
    // Haiku: conv2_d / batch_norm with its ExponentialMovingAverage children made in the
    // constructor (haiku/_src/batch_norm.py `BatchNorm.__init__`), mlp/~/linear_N
    // (haiku/_src/nets/mlp.py), layer_norm.
    expect(unbundled["library"]).toEqual(
      expect.arrayContaining([
        "params:conv2_d/w:[3,3,3,4]",
        "params:batch_norm/scale:[1,1,1,4]",
        "state:batch_norm/~/mean_ema/average:[1,1,1,4]",
        "params:mlp/~/linear_0/w:[144,8]",
        "params:mlp/~/linear_1/b:[5]",
        "params:layer_norm/scale:[5]",
      ]),
    );
    expect(unbundled["explicit"]).toEqual([
      "params:called_block/~/linear/b:[3]",
      "params:called_block/~/linear/w:[4,3]",
      "params:my_block/linear/b:[4]",
      "params:my_block/linear/w:[6,4]",
      "params:my_block/~/linear/b:[6]",
      "params:my_block/~/linear/w:[5,6]",
    ]);
    expect(unbundled["decorated"]).toEqual([
      "params:decorated_block/~/linear/b:[2]",
      "params:decorated_block/~/linear/w:[5,2]",
    ]);
    expect(unbundled["unnamed"]).toEqual(["params:unnamed_block/s:[]"]);
  });

  it.each(["esbuild", "esbuild --minify", "vite build"])(
    "%s gives library and explicitly named modules the unbundled names",
    (build) => {
      const r = bundled[build]!;
      expect(r["library"]).toEqual(unbundled["library"]);
      expect(r["explicit"]).toEqual(unbundled["explicit"]);
      expect(r["unnamedGivenName"]).toEqual(unbundled["unnamedGivenName"]);
    },
  );

  it("keeps a bare standard decorator's name through esbuild, also minified (context.name is a literal)", () => {
    expect(bundled["esbuild"]!["decorated"]).toEqual(unbundled["decorated"]);
    expect(bundled["esbuild --minify"]!["decorated"]).toEqual(unbundled["decorated"]);
  });

  it("refuses names that only Function.name gives when the build renames classes, instead of garbage", () => {
    // esbuild renames `class UnnamedBlock` in `const UnnamedBlock = hk.module(class UnnamedBlock ...)`
    // to UnnamedBlock2 even without minifying; minifiers drop or shorten it.
    for (const build of ["esbuild", "esbuild --minify", "vite build"]) {
      expect(bundled[build]!["unnamed"], build).toEqual({ error: expect.stringContaining(RENAMED) });
    }
    expect((bundled["esbuild"]!["unnamed"] as { error: string }).error).toContain("Module class `UnnamedBlock2`");
    // Vite 8 lowers decorators the legacy way (no context.name): a bare `@hk.module` needs a name there.
    expect(bundled["vite build"]!["decorated"]).toEqual({
      error: expect.stringContaining(
        `${RENAMED}: this build renames classes (it is minified, or its bundler renamed classes to avoid clashes)`,
      ),
    });
    expect((bundled["vite build"]!["decorated"] as { error: string }).error).toContain(
      'Fix: name it where it is registered, `@hk.module("my_block")` or `hk.module("my_block", class ... )`',
    );
  });
});
