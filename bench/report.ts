/**
 * Writes bench/README.md from a results file (bench/results/latest.json by default), so the
 * figures users read are exactly those of the last full `npm run bench` and no dated run log is
 * kept by hand. `npm run bench` calls it after a full run; `npx tsx bench/report.ts` redoes it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pairedRatio } from "./stats.js";

interface Row {
  label: string;
  error?: unknown;
  stepsPerSec?: number;
  stepsPerSecSamples?: (number | null)[];
  inferExamplesPerSec?: number;
  tensorsBefore?: number;
  tensorsAfter?: number;
  rssBeforeMB?: number;
  rssAfterMB?: number;
}

/** What bench/run.ts writes to bench/results/latest.json. */
export interface BenchResult {
  date: string;
  build: string;
  machine: { cpus: number; model?: string; node: string; memGB: number; loadBefore?: number[]; loadAfter?: number[] };
  repeats: number;
  mlp: Row[];
  cnn: Row[];
  applyOverhead: { haikuMs: number; rawMs: number; ratio: number; ratioQ1: number; ratioQ3: number; rounds: number };
  prng: { name: string; valuesPerSec: number }[];
  memory: Row[];
  ratios: { name: string; value?: number | null; target: number }[];
}

const here = dirname(fileURLToPath(import.meta.url));

function num(v: number | undefined | null, digits: number): string {
  return typeof v === "number" ? v.toFixed(digits) : "-";
}

function table(rows: Row[], baseline: string, inferLabel: string): string {
  const lines = [`| system | steps/s (median) | paired ratio to ${baseline} | ${inferLabel} |`, "|---|---|---|---|"];
  for (const r of rows) {
    if (r.error !== undefined || r.stepsPerSec === undefined) {
      lines.push(
        `| ${r.label} | fails: ${String(r.error ?? "no result")
          .replace(/\|/g, "/")
          .slice(0, 90)} | - | - |`,
      );
      continue;
    }
    const p = r.label === baseline ? 1 : pairedRatio(rows, r.label, baseline);
    lines.push(
      `| ${r.label} | ${num(r.stepsPerSec, 1)} | ${p === undefined ? "-" : `${p.toFixed(2)}x`} | ${num(r.inferExamplesPerSec, 0)} |`,
    );
  }
  return lines.join("\n");
}

function load(l: number[] | undefined): string {
  return l ? l.map((x) => x.toFixed(2)).join(" / ") : "not recorded";
}

/** The Markdown of bench/README.md for one results file. */
export function renderReport(r: BenchResult): string {
  const m = r.machine;
  const mem = r.memory[0];
  const o = r.applyOverhead;
  return `---
title: "Benchmarks"
group: Guides
---

# Benchmarks

\`npm run bench\` builds the package and measures it (\`dist/\`, the JavaScript users get) side by
side with hand-written code on the same backend (wasm). Each measurement runs in a fresh process
(so "as shipped" systems really run without haiku-tfjs loaded), the systems alternate within each
repeat, and the results go to \`bench/results/latest.json\`, a ratio chart
\`bench/results/latest.svg\` and this page (written by \`bench/report.ts\`; do not edit it by
hand). Ratios are **paired**: the median over repeats of each repeat's ratio, the two systems of a
repeat having run back to back, so a change of load on a shared machine moves them less than a
ratio of two medians. "Runtime fixes" means only haiku-tfjs's tfjs set-up (\`src/runtime\`)
imported under otherwise hand-written code. \`npm run bench -- --smoke\` is the tiny run CI does.

## Last full run

${r.date.slice(0, 16).replace("T", " ")} UTC, measuring \`${r.build}/\`; ${m.cpus} x ${m.model ?? "cpu"},
${num(m.memGB, 0)} GiB, Node ${m.node}; ${r.repeats} interleaved repeats. Load average (1 / 5 / 15 min)
before: ${load(m.loadBefore)}, after: ${load(m.loadAfter)}. The machine is shared: absolute rates
swing with its load, paired ratios much less.

### MLP 784-512-512-10, Adam, batch 128 (wasm)

${table(r.mlp, "tfjs-core + runtime fixes", "inference ex/s, batch 1024")}

### The Keras JaxLayer documentation's CNN, 28x28x1, Adam, batch 64

${table(r.cnn, "tfjs-core + runtime fixes", "inference ex/s, batch 256")}

### \`apply\` at batch 1

The MLP's forward pass with the result read back each call: ${(o.haikuMs * 1000).toFixed(0)} µs with haiku-tfjs
against ${(o.rawMs * 1000).toFixed(0)} µs for the same kernels written by hand, a ratio of **${o.ratio.toFixed(3)}**
(median of ${o.rounds} rounds that time both back to back; quartiles ${o.ratioQ1.toFixed(3)}-${o.ratioQ3.toFixed(3)}).

### Random numbers (M values/s)

| sampler | M values/s |
|---|---|
${r.prng.map((p) => `| ${p.name} | ${(p.valuesPerSec / 1e6).toFixed(1)} |`).join("\n")}

\`hk.random.normal\` emulates XLA's float32 \`erf_inv\` exactly (JAX's numbers, bit for bit), which
costs against \`tf.randomNormal\`.

### Memory

${mem ? `Over the measured haiku-tfjs MLP training steps after warm-up: tensors ${num(mem.tensorsBefore, 0)} -> ${num(mem.tensorsAfter, 0)}, RSS ${num(mem.rssBeforeMB, 0)} MB -> ${num(mem.rssAfterMB, 0)} MB.` : "Not measured in this run."}

### Ratios against their targets

| ratio | value | target |
|---|---|---|
${r.ratios.map((q) => `| ${q.name} | ${typeof q.value === "number" ? q.value.toFixed(2) : "-"} | >= ${q.target.toFixed(2)} |`).join("\n")}
`;
}

/** Rewrites bench/README.md from `resultsPath`. */
export function writeReport(resultsPath = join(here, "results", "latest.json")): void {
  const result = JSON.parse(readFileSync(resultsPath, "utf8")) as BenchResult;
  writeFileSync(join(here, "README.md"), renderReport(result));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeReport(process.argv[2]);
