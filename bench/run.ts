/**
 * `npm run bench`: side-by-side benchmarks of haiku-tfjs against hand-written tfjs-core and
 * tfjs-layers on the same backend. Each measurement runs in a fresh child process (so systems
 * measured without haiku-tfjs really run without it), systems are interleaved within each
 * repeat, and medians and ratios are printed and written to `bench/results/`.
 *
 *   npm run bench            # the real run (several minutes)
 *   npm run bench -- --smoke # tiny iteration counts, for CI
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeReport } from "./report.js";
import { ratioChartSvg } from "./svg.js";
import { median, pairedRatio } from "./stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const smoke = process.argv.includes("--smoke");
const repeats = smoke ? 1 : 5;

interface Config {
  label: string;
  system: string;
  workload: "mlp" | "cnn";
  backend: "wasm" | "cpu";
  fixes?: boolean;
  steps: number;
  inferBatch?: number;
}

type Row = Record<string, unknown> & { label: string };

function runChild(c: Config, extra: string[] = []): Record<string, unknown> {
  const args = [
    "tsx",
    join(here, "child.ts"),
    "--system",
    c.system,
    "--workload",
    c.workload,
    "--backend",
    c.backend,
    "--steps",
    String(c.steps),
    "--warmup",
    smoke ? "1" : "3",
    "--infer-batch",
    String(c.inferBatch ?? 1024),
    "--infer-reps",
    smoke ? "1" : "10",
    ...(c.fixes ? ["--fixes"] : []),
    ...extra,
  ];
  const out = spawnSync("npx", args, { encoding: "utf8", maxBuffer: 64 << 20 });
  const line = out.stdout.split("\n").find((l) => l.startsWith("BENCH "));
  if (!line) return { error: `child failed: ${(out.stderr || out.stdout).trim().split("\n").slice(-3).join(" | ")}` };
  return JSON.parse(line.slice(6)) as Record<string, unknown>;
}

/** Runs every config `repeats` times, interleaved, and reduces each metric to its median. */
function measure(configs: Config[]): Row[] {
  const samples = configs.map(() => [] as Array<Record<string, unknown>>);
  for (let r = 0; r < repeats; r++) {
    configs.forEach((c, i) => {
      const res = runChild(c);
      samples[i]!.push(res);
      process.stderr.write(
        `  [${r + 1}/${repeats}] ${c.label}: ${res.error ? `error: ${String(res.error)}` : `${Number(res.stepsPerSec).toFixed(2)} steps/s`}\n`,
      );
    });
  }
  return configs.map((c, i) => {
    const ok = samples[i]!.filter((s) => !s.error);
    const row: Row = { label: c.label, system: c.system, workload: c.workload, backend: c.backend, fixes: !!c.fixes };
    if (ok.length === 0) {
      row.error = samples[i]![0]?.error;
      return row;
    }
    // Every repeat's rate, in repeat order (null where it failed), for paired ratios.
    row.stepsPerSecSamples = samples[i]!.map((s) => (typeof s.stepsPerSec === "number" ? s.stepsPerSec : null));
    for (const key of [
      "stepsPerSec",
      "inferExamplesPerSec",
      "rssMB",
      "tensorGrowth",
      "tensorsBefore",
      "tensorsAfter",
      "rssBeforeMB",
      "rssAfterMB",
    ]) {
      const vals = ok.map((s) => s[key]).filter((v): v is number => typeof v === "number");
      if (vals.length) row[key] = median(vals);
    }
    return row;
  });
}

function fmt(v: unknown, digits = 2): string {
  return typeof v === "number" ? v.toFixed(digits) : "-";
}

function printTable(title: string, rows: Row[], baseline: string): void {
  const base = rows.find((r) => r.label === baseline);
  const baseRate = typeof base?.stepsPerSec === "number" ? base.stepsPerSec : undefined;
  console.log(`\n${title}`);
  console.log(
    `${"system".padEnd(44)} ${"steps/s".padStart(9)} ${"ratio".padStart(8)} ${"paired".padStart(8)}`.padEnd(74) +
      "  infer ex/s",
  );
  for (const r of rows) {
    const rate = r.stepsPerSec as number | undefined;
    const ratio = rate !== undefined && baseRate ? `${(rate / baseRate).toFixed(2)}x` : "-";
    const paired = pairedRatio(rows, r.label, baseline);
    const line = r.error
      ? `${r.label.padEnd(44)} fails: ${String(r.error).slice(0, 70)}`
      : `${r.label.padEnd(44)} ${fmt(rate).padStart(9)} ${ratio.padStart(8)} ${(paired === undefined ? "-" : `${paired.toFixed(2)}x`).padStart(8)}`.padEnd(
          74,
        ) + `  ${fmt(r.inferExamplesPerSec, 0)}`;
    console.log(line);
  }
  console.log(
    `(ratio: of the medians; paired: median over repeats of each repeat's ratio to ${baseline}, the two run back to back)`,
  );
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const steps = (n: number) => (smoke ? 2 : n);
  const build = existsSync(join(here, "..", "dist", "index.js")) ? "dist" : "src";
  console.log(
    `haiku-tfjs benchmarks${smoke ? " (smoke run)" : ""}: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ` +
      `${repeats} interleaved repeats, medians; measuring the ${build === "dist" ? "built package (dist/)" : "TypeScript sources (no dist/ build)"}`,
  );

  const mlp = measure([
    { label: "haiku-tfjs", system: "haiku-tfjs", workload: "mlp", backend: "wasm", steps: steps(60) },
    {
      label: "tfjs-core + runtime fixes",
      system: "tfjs-core",
      workload: "mlp",
      backend: "wasm",
      fixes: true,
      steps: steps(60),
    },
    { label: "tfjs-core as shipped", system: "tfjs-core", workload: "mlp", backend: "wasm", steps: steps(10) },
    { label: "tfjs-layers as shipped", system: "tfjs-layers", workload: "mlp", backend: "wasm", steps: steps(10) },
    {
      label: "tfjs-layers + runtime fixes",
      system: "tfjs-layers",
      workload: "mlp",
      backend: "wasm",
      fixes: true,
      steps: steps(60),
    },
  ]);
  printTable(
    "1. MLP 784-512-512-10, Adam, batch 128 (wasm); inference at batch 1024",
    mlp,
    "tfjs-core + runtime fixes",
  );

  const cnn = measure([
    { label: "haiku-tfjs", system: "haiku-tfjs", workload: "cnn", backend: "wasm", steps: steps(40), inferBatch: 256 },
    {
      label: "haiku-tfjs JaxLayer + fit",
      system: "jaxlayer",
      workload: "cnn",
      backend: "wasm",
      steps: steps(40),
      inferBatch: 256,
    },
    {
      label: "haiku-tfjs JaxLayer + fit, OptaxOptimizer",
      system: "jaxlayer-optax",
      workload: "cnn",
      backend: "wasm",
      steps: steps(40),
      inferBatch: 256,
    },
    {
      label: "tfjs-core + runtime fixes",
      system: "tfjs-core",
      workload: "cnn",
      backend: "wasm",
      fixes: true,
      steps: steps(40),
      inferBatch: 256,
    },
    {
      label: "tfjs-core as shipped",
      system: "tfjs-core",
      workload: "cnn",
      backend: "wasm",
      steps: steps(5),
      inferBatch: 256,
    },
    {
      label: "tfjs-layers as shipped",
      system: "tfjs-layers",
      workload: "cnn",
      backend: "wasm",
      steps: steps(5),
      inferBatch: 256,
    },
    {
      label: "tfjs-layers as shipped (cpu)",
      system: "tfjs-layers",
      workload: "cnn",
      backend: "cpu",
      steps: steps(3),
      inferBatch: 256,
    },
  ]);
  printTable(
    "2. The Keras JaxLayer documentation's CNN, 28x28x1, Adam, batch 64 (wasm unless marked); inference at batch 256",
    cnn,
    "tfjs-core + runtime fixes",
  );

  const extra = await import("./micro.js");
  const overhead = await extra.applyOverhead({ smoke });
  console.log(
    `\n3. apply overhead at batch 1 (MLP forward): haiku-tfjs ${overhead.haikuMs.toFixed(3)} ms, raw tfjs ${overhead.rawMs.toFixed(3)} ms, ` +
      `ratio ${overhead.ratio.toFixed(3)} (median of ${overhead.rounds} back-to-back rounds; quartiles ${overhead.ratioQ1.toFixed(3)}-${overhead.ratioQ3.toFixed(3)})`,
  );
  const prng = await extra.prng({ smoke });
  console.log("\n4. PRNG (M values/s)");
  for (const p of prng) console.log(`${p.name.padEnd(40)} ${(p.valuesPerSec / 1e6).toFixed(1).padStart(8)}`);
  const memory = measure([
    {
      label: "haiku-tfjs MLP, 1000 steps",
      system: "haiku-tfjs",
      workload: "mlp",
      backend: "wasm",
      steps: smoke ? 20 : 1000,
    },
  ]);
  const m = memory[0];
  console.log(
    `\n5. Memory over ${smoke ? 20 : 1000} haiku-tfjs MLP training steps (after warm-up): tensors ${fmt(m?.tensorsBefore, 0)} -> ${fmt(m?.tensorsAfter, 0)}, ` +
      `RSS ${fmt(m?.rssBeforeMB, 0)} MB -> ${fmt(m?.rssAfterMB, 0)} MB`,
  );

  const ratios = [
    {
      name: "MLP: haiku-tfjs / tfjs-core + fixes",
      value: pairedRatio(mlp, "haiku-tfjs", "tfjs-core + runtime fixes"),
      target: 1,
    },
    {
      name: "MLP: haiku-tfjs / tfjs-layers as shipped",
      value: pairedRatio(mlp, "haiku-tfjs", "tfjs-layers as shipped"),
      target: 4,
    },
    {
      name: "CNN: haiku-tfjs / tfjs-core + fixes",
      value: pairedRatio(cnn, "haiku-tfjs", "tfjs-core + runtime fixes"),
      target: 1,
    },
    {
      name: "CNN: JaxLayer+fit / tfjs-core + fixes",
      value: pairedRatio(cnn, "haiku-tfjs JaxLayer + fit", "tfjs-core + runtime fixes"),
      target: 1,
    },
    {
      name: "CNN: JaxLayer+fit (OptaxOptimizer) / tfjs-core + fixes",
      value: pairedRatio(cnn, "haiku-tfjs JaxLayer + fit, OptaxOptimizer", "tfjs-core + runtime fixes"),
      target: 1,
    },
    {
      name: "CNN: haiku-tfjs / tfjs-layers (cpu)",
      value: pairedRatio(cnn, "haiku-tfjs", "tfjs-layers as shipped (cpu)"),
      target: 1,
    },
    { name: "apply batch 1: raw tfjs / haiku-tfjs", value: 1 / overhead.ratio, target: 1 / 1.1 },
  ];
  const result = {
    date: new Date().toISOString(),
    smoke,
    build,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      memGB: os.totalmem() / 2 ** 30,
      loadBefore,
      loadAfter: os.loadavg(),
    },
    repeats,
    mlp,
    cnn,
    applyOverhead: overhead,
    prng,
    memory,
    ratios,
  };
  const outDir = join(here, "results");
  mkdirSync(outDir, { recursive: true });
  const base = smoke ? "smoke" : "latest";
  writeFileSync(join(outDir, `${base}.json`), JSON.stringify(result, null, 2));
  writeFileSync(join(outDir, `${base}.svg`), ratioChartSvg(ratios));
  console.log(`\nwrote bench/results/${base}.json and bench/results/${base}.svg`);
  if (!smoke) {
    writeReport();
    console.log("wrote bench/README.md");
  }
}

await main();
