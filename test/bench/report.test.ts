// bench/README.md is generated from bench/results/latest.json (bench/report.ts), so the figures
// on the benchmark page are exactly the last full run's.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderReport, type BenchResult } from "../../bench/report.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("bench/README.md", () => {
  const result = JSON.parse(read("bench/results/latest.json")) as BenchResult;

  it("is what bench/report.ts renders from bench/results/latest.json (run `npx tsx bench/report.ts` after a bench run)", () => {
    expect(read("bench/README.md")).toBe(renderReport(result));
  });

  it("shows the run's rates and paired ratios", () => {
    const page = renderReport(result);
    const haiku = result.mlp.find((r) => r.label === "haiku-tfjs")!;
    expect(page).toContain(`| haiku-tfjs | ${haiku.stepsPerSec!.toFixed(1)} |`);
    expect(page).toContain(`a ratio of **${result.applyOverhead.ratio.toFixed(3)}**`);
    expect(page).toContain(result.date.slice(0, 10));
  });
});
