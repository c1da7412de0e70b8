/**
 * tfjs-wasm's threaded SIMD build against its single-threaded SIMD build, in headless Chromium,
 * on the browser demo's quick training (examples/browser, `?quick`: 40 steps of the Haiku CNN,
 * batch 64, test accuracy on 250 digits every 10 steps).
 *
 * Builds the demo with Vite and serves it twice from 127.0.0.1: with the COOP/COEP headers
 * (cross-origin isolated, so tfjs loads `tfjs-backend-wasm-threaded-simd.wasm`) and without
 * (no SharedArrayBuffer, so `tfjs-backend-wasm-simd.wasm`). The two settings alternate, in
 * swapped order each round, in fresh pages of one browser; a page records when each step
 * finished, and steps/s is measured over steps 11-40 (after the first evaluation, so compiling
 * and warm-up are left out). Prints each run, the medians and the paired ratio (median over
 * rounds of threaded / simd), with `navigator.hardwareConcurrency` and tfjs's thread count.
 *
 * Run: `npx tsx bench/browser-wasm.ts [rounds]` (3 rounds by default; needs /usr/bin/chromium).
 * Not part of CI: the numbers depend on the machine and its load.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { build } from "vite";
import { median } from "./stats.js";

const CHROMIUM = "/usr/bin/chromium";
const REPO = resolve(import.meta.dirname, "..");
const ROUNDS = Number(process.argv[2] ?? 3);
/** Steps timed: from the end of step FIRST to the end of step LAST (the quick run has 40). */
const FIRST = 10;
const LAST = 40;

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
};

/** A static server for the build, with or without the cross-origin isolation headers. */
function serve(root: string, isolated: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" };
    if (isolated) {
      headers["Cross-Origin-Opener-Policy"] = "same-origin";
      headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    }
    res.writeHead(200, headers).end(readFileSync(file));
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}` });
    }),
  );
}

interface Run {
  build: string;
  threads: number;
  isolated: boolean;
  hardwareConcurrency: number;
  stepsPerSecond: number;
}

/** In the page, before its scripts: records `performance.now()` when each step is reported. */
function recordStepTimes(): void {
  const g = globalThis as unknown as { haikuDemo?: { steps?: unknown[] }; stepTimes: number[] };
  g.stepTimes = [];
  const timer = setInterval(() => {
    const done = g.haikuDemo?.steps?.length ?? 0;
    while (g.stepTimes.length < done) g.stepTimes.push(performance.now());
  }, 1);
  setTimeout(() => clearInterval(timer), 600_000);
}

async function measure(browser: Browser, url: string): Promise<Run> {
  const page = await browser.newPage();
  try {
    await page.addInitScript(recordStepTimes);
    await page.goto(`${url}/?quick`);
    await page.waitForFunction(
      () => {
        const s = (globalThis as unknown as { haikuDemo?: { state: string } }).haikuDemo?.state;
        return s === "trained" || s === "failed";
      },
      undefined,
      { timeout: 300_000 },
    );
    const got = await page.evaluate(() => {
      const g = globalThis as unknown as {
        haikuDemo: {
          state: string;
          error?: string;
          backend: { wasmFlavour: string; threads: number; crossOriginIsolated: boolean };
        };
        stepTimes: number[];
        navigator: { hardwareConcurrency: number };
      };
      return {
        state: g.haikuDemo.state,
        error: g.haikuDemo.error,
        backend: g.haikuDemo.backend,
        times: g.stepTimes,
        cores: g.navigator.hardwareConcurrency,
      };
    });
    if (got.state !== "trained") throw new Error(`the demo page failed: ${got.error}`);
    if (got.times.length < LAST) throw new Error(`the page reported ${got.times.length} steps, expected ${LAST}`);
    return {
      build: got.backend.wasmFlavour,
      threads: got.backend.threads,
      isolated: got.backend.crossOriginIsolated,
      hardwareConcurrency: got.cores,
      stepsPerSecond: (LAST - FIRST) / ((got.times[LAST - 1]! - got.times[FIRST - 1]!) / 1000),
    };
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(`bench/browser-wasm: Chromium not found at ${CHROMIUM}. Fix: apt-get install -y chromium`);
  const work = mkdtempSync(join(tmpdir(), "haiku-wasm-bench-"));
  const servers: Server[] = [];
  let browser: Browser | undefined;
  try {
    const outDir = join(work, "dist");
    await build({
      configFile: join(REPO, "examples/browser/vite.config.ts"),
      mode: "production",
      logLevel: "warn",
      build: { outDir },
    });
    const settings: { label: string; url: string; runs: Run[] }[] = [];
    for (const isolated of [true, false]) {
      const { server, url } = await serve(outDir, isolated);
      servers.push(server);
      settings.push({ label: isolated ? "COOP/COEP (threaded-simd)" : "no isolation (simd)", url, runs: [] });
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const load0 = loadavg();
    console.log(
      `${new Date().toISOString()}; ${cpus().length} x ${cpus()[0]?.model ?? "?"}; load average ${load0.map((l) => l.toFixed(2)).join(" / ")}`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? settings : [...settings].reverse();
      for (const s of order) {
        const run = await measure(browser, s.url);
        s.runs.push(run);
        console.log(
          `round ${round + 1}, ${s.label}: ${run.stepsPerSecond.toFixed(2)} steps/s (build ${run.build}, ${run.threads} thread(s), cross-origin isolated ${run.isolated}, hardwareConcurrency ${run.hardwareConcurrency})`,
        );
      }
    }
    const [threaded, simd] = settings as [(typeof settings)[0], (typeof settings)[0]];
    for (const s of settings)
      console.log(
        `${s.label}: median ${median(s.runs.map((r) => r.stepsPerSecond)).toFixed(2)} steps/s over ${s.runs.length} runs`,
      );
    const ratios = threaded.runs.map((r, i) => r.stepsPerSecond / simd.runs[i]!.stepsPerSecond);
    console.log(
      `paired ratio threaded-simd / simd: median ${median(ratios).toFixed(3)} (rounds: ${ratios.map((r) => r.toFixed(3)).join(", ")})`,
    );
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" / ")}`,
    );
  } finally {
    await browser?.close();
    for (const s of servers) await new Promise((ok) => s.close(ok));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
