// Every code example users see is checked: the `@example` blocks in src/ and the TypeScript
// blocks of the README, the guides and bench/README.md are typechecked with tsconfig.json's
// settings (plus the stand-ins of prelude.ts), and the self-contained ones are run (blocks
// fenced ```ts browser are for a web page and only typechecked). Haiku does
// the same for its docstrings (haiku/_src/doctest_test.py).
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { checkAll } from "./check.js";
import { collectSnippets, ROOT } from "./snippets.js";

const snippets = collectSnippets();

// Typechecking at collection time tells which examples are self-contained, so only those get a
// "runs" test.
const checked = checkAll(snippets);

describe("documentation examples", () => {
  it("finds the examples of src/, the README and the guides", () => {
    expect(snippets.length).toBeGreaterThan(100);
    expect(snippets.some((s) => s.where.startsWith("README.md"))).toBe(true);
    expect(snippets.some((s) => s.where.startsWith("docs/guides/"))).toBe(true);
  });

  it.each(snippets.map((s, i) => [s.where, i] as const))("%s typechecks", (_where, i) => {
    expect(checked[i]!.errors).toEqual([]);
  });

  const runnable = snippets.flatMap((s, i) => (s.runnable && checked[i]!.selfContained ? [[s.where, i] as const] : []));
  it.each(runnable)("%s runs", async (_where, i) => {
    // Examples write files where they stand (`model.save("file://./cnn")`): run them in a
    // scratch directory that sees the repository's example data, never in the checkout.
    const scratch = mkdtempSync(join(tmpdir(), "hk-doctest-"));
    symlinkSync(join(ROOT, "examples"), join(scratch, "examples"));
    const cwd = process.cwd();
    process.chdir(scratch);
    try {
      await expect(import(pathToFileURL(checked[i]!.file).href)).resolves.toBeDefined();
    } finally {
      process.chdir(cwd);
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
