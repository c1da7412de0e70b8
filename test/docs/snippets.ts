/**
 * Finds every code example the project shows its users: the `@example` blocks of TSDoc comments
 * in `src/`, and the TypeScript blocks of the README, the guides and the benchmark page. The
 * docs test typechecks all of them and runs the self-contained ones, as Haiku's
 * `doctest_test.py` runs every docstring.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** One code example and where it was found. */
export interface Snippet {
  /** `src/core/transform.ts:212`, the line of the block's first code line. */
  readonly where: string;
  readonly code: string;
  /**
   * Whether the example can run here: a block fenced as ```` ```ts browser ```` is for a web page
   * (it sets up the wasm backend's file locations, say), so it is only typechecked.
   */
  readonly runnable: boolean;
}

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(name)) out.push(path);
  }
  return out;
}

/** Removes the indentation all non-blank lines share (a code block inside a list item). */
function dedent(lines: readonly string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => l.slice(cut));
}

const FENCE = /^```(?:ts|typescript)((?:[ \t]+[\w-]+)*)\s*$/;

/** TypeScript fences in a Markdown text (`lines` already stripped of any comment prefix). */
function fences(lines: readonly string[], file: string, firstLine: number, out: Snippet[]): void {
  for (let i = 0; i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]!.trim());
    if (fence === null) continue;
    const flags = fence[1]!.trim().split(/\s+/);
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== "```") end++;
    out.push({
      where: `${relative(ROOT, file)}:${firstLine + start + 1}`,
      code: dedent(lines.slice(start, end)).join("\n") + "\n",
      runnable: !flags.includes("browser"),
    });
    i = end;
  }
}

/** The `@example` blocks of every TSDoc comment in a TypeScript source. */
function docExamples(file: string, out: Snippet[]): void {
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!)) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*\*\//.test(lines[j]!) && !/^\s*\*\s*@\w/.test(lines[j]!)) {
      body.push(lines[j]!.replace(/^\s*\* ?/, ""));
      j++;
    }
    fences(body, file, i + 1, out);
    i = j - 1;
  }
}

/** Every example in `src/`, the README, `docs/guides/` and `bench/README.md`, in a fixed order. */
export function collectSnippets(): Snippet[] {
  const out: Snippet[] = [];
  for (const file of filesUnder(join(ROOT, "src"), (n) => n.endsWith(".ts"))) docExamples(file, out);
  const pages = [
    join(ROOT, "README.md"),
    join(ROOT, "bench", "README.md"),
    ...filesUnder(join(ROOT, "docs", "guides"), (n) => n.endsWith(".md")),
  ];
  for (const page of pages) fences(readFileSync(page, "utf8").split("\n"), page, 0, out);
  return out;
}
