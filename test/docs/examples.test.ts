// Every code example users see is checked: the `@example` blocks in src/ and the TypeScript
// blocks of the README, the guides and bench/README.md are typechecked with tsconfig.json's
// settings (plus the stand-ins of prelude.ts), and the self-contained ones are run. Haiku does
// the same for its docstrings (haiku/_src/doctest_test.py).
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { checkAll, type Checked } from "./check.js";
import { collectSnippets } from "./snippets.js";

const snippets = collectSnippets();

describe("documentation examples", () => {
  let checked: Checked[] = [];
  beforeAll(() => {
    checked = checkAll(snippets);
  }, 120_000);

  it("finds the examples of src/, the README and the guides", () => {
    expect(snippets.length).toBeGreaterThan(100);
    expect(snippets.some((s) => s.where.startsWith("README.md"))).toBe(true);
    expect(snippets.some((s) => s.where.startsWith("docs/guides/"))).toBe(true);
  });

  it.each(snippets.map((s, i) => [s.where, i] as const))("%s typechecks", (_where, i) => {
    expect(checked[i]!.errors).toEqual([]);
  });

  it.each(snippets.map((s, i) => [s.where, i] as const))("%s runs when self-contained", async (_where, i) => {
    const c = checked[i]!;
    if (!c.selfContained || c.errors.length > 0) return;
    await expect(import(pathToFileURL(c.file).href)).resolves.toBeDefined();
  });
});
