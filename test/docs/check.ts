/**
 * Turns the documentation examples into modules under `.doctest/` and typechecks them with
 * tsconfig.json's settings in one TypeScript program.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { ROOT, type Snippet } from "./snippets.js";
import { IMPORTS, STAND_IN_IMPORTS, STAND_INS } from "./prelude.js";

const OUT = join(ROOT, ".doctest");
export interface Checked {
  readonly file: string;
  readonly errors: string[];
  /** Needs only imports from the prelude, so it can run. */
  readonly selfContained: boolean;
}

function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (parsed === undefined) throw new Error("tsconfig.json could not be read");
  return { ...parsed.options, noEmit: true };
}

function diagnosticsByFile(files: string[], options: ts.CompilerOptions): Map<string, ts.Diagnostic[]> {
  const program = ts.createProgram(files, options);
  const out = new Map<string, ts.Diagnostic[]>(files.map((f) => [f, []]));
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    out.get(file)!.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return out;
}

function missingNames(diagnostics: readonly ts.Diagnostic[]): Set<string> {
  const names = new Set<string>();
  for (const d of diagnostics) {
    const m = /^Cannot find (?:name|namespace) '(\w+)'/.exec(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    if (m) names.add(m[1]!);
  }
  return names;
}

function describeDiagnostic(d: ts.Diagnostic, prologue: number): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (d.file === undefined || d.start === undefined) return text;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  return `line ${line + 1 - prologue} of the example: ${text}`;
}

/**
 * The module an example becomes. Like Haiku's doctests (run inside `hk.transform_with_state`),
 * an example that does not build its own transform runs inside one, so `hk.getParameter` or a
 * module constructor works as it would in the reader's transformed function. Examples that
 * transform, define classes or await run at the top level, as written.
 */
function runnable(code: string): string {
  const lines = code.split("\n");
  // Triple-slash references work only above every statement; imports go to module level.
  const hoisted = (l: string) => l.startsWith("import ") || l.startsWith("/// <reference");
  const imports = [
    ...lines.filter((l) => l.startsWith("/// <reference")),
    ...lines.filter((l) => l.startsWith("import ")),
  ];
  const body = lines.filter((l) => !hoisted(l));
  const topLevel = /\b(transform|transformWithState|multiTransform|multiTransformWithState)\(|\bawait\b|\bclass\b/.test(
    code,
  );
  if (topLevel) return `${imports.join("\n")}\n${body.join("\n")}\nexport {};\n`;
  return [
    ...imports,
    `import * as hk_run__ from "haiku-tfjs";`,
    "hk_run__.transformWithState(() => {",
    ...body,
    "}).init(hk_run__.random.key(0));",
    "export {};",
    "",
  ].join("\n");
}

/** Typechecks every snippet twice: bare, to learn its free names, then with their prelude lines. */
export function checkAll(list: readonly Snippet[]): Checked[] {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  // The examples' own tsconfig, so the test runner's transform sees the project's compiler
  // settings (legacy decorators above all) for files outside tsconfig.json's include list.
  writeFileSync(join(OUT, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", include: ["*.ts"] }));
  const options = compilerOptions();
  const files = list.map((_, i) => join(OUT, `example_${String(i).padStart(3, "0")}.ts`));
  list.forEach((s, i) => writeFileSync(files[i]!, runnable(s.code)));
  const bare = diagnosticsByFile(files, options);
  const prologues: string[][] = [];
  list.forEach((s, i) => {
    const free = [...missingNames(bare.get(files[i]!)!)].sort();
    const lines = free.flatMap((n) => (IMPORTS[n] !== undefined ? [IMPORTS[n]] : []));
    const standIns = free.flatMap((n) => (STAND_INS[n] !== undefined ? [STAND_INS[n]] : []));
    if (standIns.length > 0) lines.push(...STAND_IN_IMPORTS, ...standIns);
    prologues.push(lines);
    writeFileSync(files[i]!, `${lines.join("\n")}\n${runnable(s.code)}`);
  });
  const full = diagnosticsByFile(files, options);
  return list.map((_, i) => {
    const prologue = prologues[i]!;
    return {
      file: files[i]!,
      errors: full.get(files[i]!)!.map((d) => describeDiagnostic(d, prologue.length + 1)),
      selfContained: prologue.every((l) => l.startsWith("import ") && !STAND_IN_IMPORTS.includes(l)),
    };
  });
}
