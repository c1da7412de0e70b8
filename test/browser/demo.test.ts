/**
 * The browser demo (examples/browser) in a real browser: builds it with Vite, serves it on
 * 127.0.0.1 with the COOP/COEP headers the demo's Vite config sets, drives Debian's Chromium with
 * playwright-core, and compares what the page computes with what Node computes for the same
 * inputs (node_reference.ts, run here): PRNG words, a checkpoint saved by `npm start -- --save`,
 * the Python Haiku MLP. Set HK_DEMO_SCREENSHOT=path to also save a screenshot.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const REPO = resolve(import.meta.dirname, "../..");
const TSX = join(REPO, "node_modules/.bin/tsx");
const DIGITS_CHECKED = 8;
const QUICK_STEPS = 40;

interface StepReport {
  step: number;
  loss: number;
  accuracy?: number;
  tensors: number;
}
interface PageState {
  state: string;
  error?: string;
  backend: { backend: string; wasmFlavour: string; threads: number; crossOriginIsolated: boolean; note: string };
  prngBits: number[];
  splitKey0: number[];
  steps: StepReport[];
  testAccuracy: number;
  haikuMlp: { output: number[][]; numpy: number[][]; maxAbsDiff: number };
  prediction?: { digit: number; probs: number[] };
}
interface NodeReference {
  backend: string;
  prngBits: number[];
  splitKey0: number[];
  testDigitProbs: number[];
  haikuMlp: number[][];
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
};

/** A static server for the build, with cross-origin isolation as `vite preview` would send it. */
function serve(root: string, extra: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = extra[path] ?? normalize(join(root, path === "/" ? "index.html" : path));
    if (extra[path] === undefined && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    });
    res.end(readFileSync(file));
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}` });
    }),
  );
}

function run(args: string[]): string {
  const r = spawnSync(TSX, args, { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`tsx ${args.join(" ")} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

describe("browser demo in Chromium", () => {
  const work = mkdtempSync(join(tmpdir(), "haiku-demo-"));
  const consoleErrors: string[] = [];
  let context: BrowserContext | undefined;
  let server: Server | undefined;
  let page: Page;
  let state: PageState;
  let node: NodeReference;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `browser demo test: Chromium not found at ${CHROMIUM}. Fix: apt-get update && apt-get install -y chromium (.ci/run installs it when missing)`,
      );
    }
    const outDir = join(work, "dist");
    await build({
      configFile: join(REPO, "examples/browser/vite.config.ts"),
      mode: "production",
      logLevel: "warn",
      build: { outDir },
    });

    // npm start's save path, then Node's values for the same inputs the page will use.
    const checkpoint = join(work, "node_cnn.safetensors");
    run(["examples/mnist.ts", "--quick", "--save", checkpoint]);
    const out = run(["test/browser/node_reference.ts", checkpoint, String(DIGITS_CHECKED)]);
    node = JSON.parse(
      out
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .at(-1)!,
    ) as NodeReference;

    ({ server, url } = await serve(outDir, { "/node_cnn.safetensors": checkpoint }));
    context = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1040, height: 640 },
    });
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`));
    await page.goto(`${url}/?quick`);
    await page.waitForFunction(
      () => {
        const s = (globalThis as unknown as { haikuDemo?: { state: string } }).haikuDemo?.state;
        return s === "trained" || s === "failed";
      },
      undefined,
      { timeout: 90_000 },
    );
    state = await page.evaluate(
      () => JSON.parse(JSON.stringify((globalThis as unknown as { haikuDemo: unknown }).haikuDemo)) as PageState,
    );
    if (state.state === "failed") throw new Error(`the demo page failed: ${state.error}`);
  }, 150_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((ok) => (server === undefined ? ok(undefined) : server.close(ok)));
    rmSync(work, { recursive: true, force: true });
  });

  it("runs on the wasm backend, with the threaded SIMD build under cross-origin isolation", () => {
    console.log(`demo backend: ${JSON.stringify(state.backend)}`);
    expect(state.backend.backend).toBe("wasm");
    expect(state.backend.crossOriginIsolated).toBe(true);
    expect(state.backend.wasmFlavour).toBe("threaded-simd");
    expect(state.backend.threads).toBeGreaterThanOrEqual(1);
  });

  it("trains: the loss falls over the quick run, accuracy rises, tensors stay flat", () => {
    const losses = state.steps.map((s) => s.loss);
    expect(losses).toHaveLength(QUICK_STEPS);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(losses.slice(0, 5));
    const last = mean(losses.slice(-10));
    console.log(
      `demo loss: first 5 steps ${first.toFixed(3)}, last 10 ${last.toFixed(3)}; test accuracy ${state.testAccuracy}`,
    );
    expect(first).toBeGreaterThan(1.5); // ~ln(10) for an untrained 10-way softmax
    expect(last).toBeLessThan(0.75 * first);
    expect(state.testAccuracy).toBeGreaterThan(0.5);
    expect(state.steps.at(-1)!.tensors).toBe(state.steps[9]!.tensors);
  });

  it("draws the same PRNG words as Node (JAX threefry)", () => {
    expect(state.prngBits).toEqual(node.prngBits);
    expect(state.splitKey0).toEqual(node.splitKey0);
  });

  it("classifies a digit drawn on the canvas", async () => {
    const box = (await page.locator("#pad").boundingBox())!;
    const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
    // A "7": the top bar, then the diagonal.
    await page.mouse.move(...at(0.25, 0.2));
    await page.mouse.down();
    for (const [fx, fy] of [
      [0.5, 0.2],
      [0.75, 0.2],
      [0.6, 0.5],
      [0.45, 0.85],
    ] as const)
      await page.mouse.move(...at(fx, fy), { steps: 8 });
    await page.mouse.up();
    const prediction = await page.evaluate(
      () => (globalThis as unknown as { haikuDemo: PageState }).haikuDemo.prediction,
    );
    expect(prediction).toBeDefined();
    expect(prediction!.digit).toBeGreaterThanOrEqual(0);
    expect(prediction!.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(await page.locator("#prediction").textContent()).toBe(String(prediction!.digit));
    console.log(`demo: the drawn 7 was classified as ${prediction!.digit}`);
    const shot = process.env.HK_DEMO_SCREENSHOT;
    if (shot) await page.screenshot({ path: resolve(REPO, shot) });
  });

  it("runs the Python Haiku MLP checkpoint as Node does and as numpy recorded", () => {
    const here = state.haikuMlp.output.flat();
    node.haikuMlp.flat().forEach((v, i) => expect(Math.abs(here[i]! - v)).toBeLessThan(1e-6));
    expect(state.haikuMlp.maxAbsDiff).toBeLessThan(1e-5);
  });

  it("loads the checkpoint npm start saved in Node and gives Node's outputs", async () => {
    const line = await page.evaluate(
      (u) =>
        (
          globalThis as unknown as { haikuDemo: { loadCheckpoint(u: string): Promise<string> } }
        ).haikuDemo.loadCheckpoint(u),
      `${url}/node_cnn.safetensors`,
    );
    expect(line).toMatch(/^loaded .*node_cnn\.safetensors: test accuracy/);
    const probs = await page.evaluate(
      (n) =>
        (globalThis as unknown as { haikuDemo: { testDigitProbs(n: number): number[] } }).haikuDemo.testDigitProbs(n),
      DIGITS_CHECKED,
    );
    expect(probs).toHaveLength(node.testDigitProbs.length);
    probs.forEach((p, i) => expect(Math.abs(p - node.testDigitProbs[i]!)).toBeLessThan(1e-5));
  });

  it("logs no console errors", () => {
    expect(consoleErrors).toEqual([]);
  });
});
