// What the core costs in a browser bundle: esbuild (minified, browser platform, code splitting
// as an app's bundler does it) builds tfjs-core + tfjs-backend-wasm alone, the core entry
// (hk.random and a Linear) and a training entry, and the bytes a page loads at start-up (the
// entry and the chunks it imports statically) are compared, from esbuild's metafile.
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = `${root}test/bundling/out/size`;

interface Measured {
  /** Bytes of the entry chunk and the chunks it imports statically. */
  startup: number;
  /** Bytes in those chunks by source (package or src/ folder). */
  bySource: Record<string, number>;
  /** Every input file in those chunks. */
  inputs: Set<string>;
}

async function measure(name: string): Promise<Measured> {
  const result = await esbuild.build({
    entryPoints: [`${root}test/bundling/fixture/${name}.ts`],
    outdir: `${out}/${name}`,
    bundle: true,
    minify: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    metafile: true,
    logLevel: "error",
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o]!.entryPoint !== undefined)!;
  const loaded = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (loaded.has(o)) continue;
    loaded.add(o);
    for (const i of outputs[o]!.imports) if (i.kind === "import-statement" && outputs[i.path]) stack.push(i.path);
  }
  const m: Measured = { startup: 0, bySource: {}, inputs: new Set() };
  for (const o of loaded) {
    m.startup += outputs[o]!.bytes;
    for (const [file, { bytesInOutput }] of Object.entries(outputs[o]!.inputs)) {
      m.inputs.add(file);
      const source = file.includes("node_modules/")
        ? file.split("node_modules/").pop()!.split("/").slice(0, 2).join("/")
        : file.split("/").slice(0, 2).join("/");
      m.bySource[source] = (m.bySource[source] ?? 0) + bytesInOutput;
    }
  }
  return m;
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
function breakdown(m: Measured): string {
  return Object.entries(m.bySource)
    .filter(([, n]) => n >= 1024)
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${s} ${kb(n)}`)
    .join(", ");
}

describe("bundle size (esbuild, minified)", () => {
  let base: Measured;
  let core: Measured;
  let training: Measured;

  beforeAll(async () => {
    await rm(out, { recursive: true, force: true });
    [base, core, training] = await Promise.all([measure("size_base"), measure("size_core"), measure("size_training")]);
  }, 120_000);

  it("the core entry adds about a quarter to tfjs-core + tfjs-backend-wasm", () => {
    const ratio = core.startup / base.startup;
    const message =
      `core entry ${kb(core.startup)} = ${((ratio - 1) * 100).toFixed(1)}% over tfjs-core + wasm ${kb(base.startup)} ` +
      `(training entry ${kb(training.startup)}). Core: ${breakdown(core)}`;
    // The aim (issue 12): at most ~25%. Measured 2026-12-04: 23.4% (366.2 KB vs 296.8 KB) with the gradient kernels in the training entry.
    expect(ratio, message).toBeLessThanOrEqual(1.25);
    console.log(message);
  });

  it("keeps tfjs-layers out, the cpu backend out of start-up, and gradients to bundles that take them", () => {
    for (const m of [core, training]) {
      expect([...m.inputs].filter((f) => f.includes("tfjs-layers"))).toEqual([]);
      // The cpu backend is a chunk loaded only on fallback (only the kernels wasm shares).
      expect(m.inputs.has("node_modules/@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.fesm.js")).toBe(false);
    }
    const registersGradients = (m: Measured): boolean =>
      m.inputs.has("node_modules/@tensorflow/tfjs-core/dist/register_all_gradients.js");
    expect(registersGradients(core)).toBe(false);
    expect(registersGradients(training)).toBe(true);
  });
});
