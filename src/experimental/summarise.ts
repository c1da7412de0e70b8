/**
 * Summaries of the modules a function uses (Haiku's `summarise.py`: `eval_summary`, `tabulate`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { Module, ORIGINAL_FN, interceptMethods, transformWithState } from "../core/index.js";
import type { MethodContext } from "../core/index.js";
import * as random from "../random/index.js";
import * as tree from "../tree/index.js";
import { setOwn } from "../tree/own.js";
import { ArraySpec, dtypeBytes, formatArray, formatBytes } from "./array_spec.js";
import { formatValue, moduleRepr } from "./auto_repr.js";
import { renderTable } from "./table.js";
import type { Align, TableFormat } from "./table.js";
import { InvalidArgumentError } from "../util/errors.js";
import { describe } from "../util/describe.js";

/** A module and one of its methods, with its params and state as specs (Haiku's `ModuleDetails`). */
export interface ModuleDetails {
  /** The module instance. */
  readonly module: Module;
  /** The method invoked (`"call"` for the forward pass). */
  readonly methodName: string;
  /** `"<module>/<param>"` -> spec, for the module and its submodules. */
  readonly params: Readonly<Record<string, ArraySpec>>;
  /** `"<module>/<name>"` -> spec (or a tree of specs), for the module and its submodules. */
  readonly state: Readonly<Record<string, unknown>>;
}

/** One recorded module method call (Haiku's `MethodInvocation`). */
export interface MethodInvocation {
  /** Which module and method. */
  readonly moduleDetails: ModuleDetails;
  /** The positional arguments, tensors replaced by {@link ArraySpec}s. */
  readonly argsSpec: readonly unknown[];
  /** Keyword arguments: always empty in JavaScript (kept for Haiku's shape). */
  readonly kwargsSpec: Readonly<Record<string, unknown>>;
  /** The return value, tensors replaced by {@link ArraySpec}s. */
  readonly outputSpec: unknown;
  /** The interceptor context of the call. */
  readonly context: MethodContext;
  /** The calling modules, innermost (this module) first: for C called by B called by A, `[C, B, A]`. */
  readonly callStack: readonly ModuleDetails[];
}

const IGNORED_METHODS = new Set(["constructor", "paramsDict", "stateDict"]);

function toSpec(x: unknown): unknown {
  const toLeafSpec = (leaf: unknown): unknown => (leaf instanceof tf.Tensor ? ArraySpec.fromArray(leaf) : leaf);
  return (tree.map as (fn: (leaf: unknown) => unknown, t: unknown) => unknown)(toLeafSpec, x);
}

function detailsOf(module: Module, methodName: string): ModuleDetails {
  const params: Record<string, ArraySpec> = {};
  for (const [k, v] of Object.entries(module.paramsDict())) setOwn(params, k, ArraySpec.fromArray(v));
  const state: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(module.stateDict())) setOwn(state, k, toSpec(v));
  return { module, methodName, params, state };
}

type AnyFn = (...args: never[]) => unknown;

/** The user function behind `f` (a plain function or a transformed object). */
function originalFn(f: unknown, where: string): AnyFn {
  // Transformed objects and their init/apply functions carry the function they transform, which
  // is what Haiku's eval_summary unwraps to.
  const orig =
    f !== null && (typeof f === "object" || typeof f === "function")
      ? (f as { [ORIGINAL_FN]?: unknown })[ORIGINAL_FN]
      : undefined;
  if (typeof orig === "function") return orig as AnyFn;
  if (typeof f === "function") return f as AnyFn;
  throw new InvalidArgumentError(
    `hk.experimental.${where}`,
    `expected a function or the result of hk.transform / hk.transformWithState, got ${describe(f)}`,
    `pass the function to summarise, e.g. \`hk.experimental.${where}(hk.transform(f))\`.`,
  );
}

/**
 * Records every module method call made by `f` (Haiku's `hk.experimental.eval_summary`): returns
 * a function taking `f`'s arguments that runs `init` then `apply` (keys from `random.key(42)`),
 * recording the calls of `apply` in call order (parents before children), and frees everything it
 * computed. tfjs has no abstract evaluation, so `f` really runs (twice).
 *
 * @param f - a function that uses modules, or a transformed object (`hk.transform(f)`).
 * @example
 * ```ts
 * const rows = hk.experimental.evalSummary((x: tf.Tensor) => new hk.nets.MLP([300, 100, 10]).call(x))(tf.ones([8, 784]));
 * rows.map((r) => `${r.moduleDetails.module.moduleName} ${r.argsSpec[0]} -> ${r.outputSpec}`);
 * // ["mlp f32[8,784] -> f32[8,10]", "mlp/~/linear_0 f32[8,784] -> f32[8,300]", ...]
 * ```
 */
export function evalSummary(f: unknown): (...args: unknown[]) => MethodInvocation[] {
  const fn = originalFn(f, "evalSummary") as (...args: unknown[]) => unknown;
  let sink: (MethodInvocation | null)[] | null = null;
  const stack: ModuleDetails[] = [];
  const fOrig = transformWithState(fn);
  const fLogged = transformWithState((...args: unknown[]) =>
    interceptMethods(
      (next, callArgs, context) => {
        const used = sink;
        if (used === null || IGNORED_METHODS.has(context.methodName) || !(context.module instanceof Module)) {
          return next(...callArgs);
        }
        const module = context.module;
        const idx = used.length;
        used.push(null);
        // Placeholder details keep the stack's shape; they are rebuilt once the call returns.
        stack.push({ module, methodName: context.methodName, params: {}, state: {} });
        let out: unknown;
        try {
          out = next(...callArgs);
          const callStack = stack.map((e) => detailsOf(e.module, e.methodName)).reverse();
          used[idx] = {
            moduleDetails: callStack[0]!,
            argsSpec: callArgs.map(toSpec),
            kwargsSpec: {},
            outputSpec: toSpec(out),
            context,
            callStack,
          };
        } finally {
          stack.pop();
        }
        return out;
      },
      () => fn(...args),
    ),
  );
  return (...args: unknown[]): MethodInvocation[] => {
    const used: (MethodInvocation | null)[] = [];
    const [initRng, applyRng] = random.split(random.key(42));
    const [params, state] = fOrig.init(initRng, ...(args as never[]));
    try {
      sink = used;
      const [out, newState] = fLogged.apply(params, state, applyRng!, ...(args as never[]));
      tree.dispose(out);
      tree.dispose(newState);
    } finally {
      sink = null;
      stack.length = 0;
      tree.dispose(params);
      tree.dispose(state);
    }
    // Entries of calls that threw stay null; the error has propagated already.
    return used.filter((u): u is MethodInvocation => u !== null);
  };
}

/** A column of {@link tabulate}. */
interface Column {
  readonly header: string;
  readonly f: (r: MethodInvocation) => string;
  readonly align: Align;
}

function ownedParams(d: ModuleDetails): [string, ArraySpec][] {
  const out: [string, ArraySpec][] = [];
  for (const [fq, spec] of Object.entries(d.params)) {
    const i = fq.lastIndexOf("/");
    if (fq.slice(0, i) === d.module.moduleName) out.push([fq.slice(i + 1), spec]);
  }
  return out;
}

function formatOwnedParams(r: MethodInvocation): string {
  return ownedParams(r.moduleDetails)
    .sort(([an, a], [bn, b]) => b.size - a.size || (an < bn ? -1 : an > bn ? 1 : 0))
    .map(([k, v]) => `${k}: ${formatArray(v)}`)
    .join("\n");
}

function formatCallStack(r: MethodInvocation): string {
  return r.callStack
    .map((d) => {
      const className = d.module.constructor.name;
      const method = d.methodName === "call" ? "" : `.${d.methodName}`;
      return `${d.module.moduleName} (${className}${method})`;
    })
    .join("\n └ ");
}

function paramCount(r: MethodInvocation): number {
  return Object.values(r.moduleDetails.params).reduce((a, s) => a + s.size, 0);
}

function paramBytes(r: MethodInvocation): number {
  return Object.values(r.moduleDetails.params).reduce((a, s) => a + s.size * dtypeBytes(s.dtype), 0);
}

const ALL_COLUMNS: Readonly<Record<string, Column>> = {
  module: { header: "Module", f: formatCallStack, align: "left" },
  config: { header: "Config", f: (r) => moduleRepr(r.moduleDetails.module), align: "left" },
  owned_params: { header: "Module params", f: formatOwnedParams, align: "left" },
  input: { header: "Input", f: (r) => r.argsSpec.map(formatValue).join(", "), align: "left" },
  output: { header: "Output", f: (r) => formatValue(r.outputSpec), align: "left" },
  params_size: { header: "Param count", f: (r) => paramCount(r).toLocaleString("en-US"), align: "right" },
  params_bytes: { header: "Param bytes", f: (r) => formatBytes(paramBytes(r)), align: "right" },
};

const ALL_FILTERS: Readonly<Record<string, (r: MethodInvocation) => boolean>> = {
  has_output: (r) => r.outputSpec !== undefined && r.outputSpec !== null,
  has_params: (r) => Object.keys(r.moduleDetails.params).length > 0,
};

/** Names of the columns {@link tabulate} can show, in their default order. */
export type TabulateColumn = "module" | "config" | "owned_params" | "input" | "output" | "params_size" | "params_bytes";

/** Names of the row filters of {@link tabulate}. */
export type TabulateFilter = "has_output" | "has_params";

/** Options of {@link tabulate} (Haiku's keyword arguments). */
export interface TabulateOptions {
  /** Columns to show, in order; default all of them. */
  columns?: readonly TabulateColumn[] | null;
  /** Rows to keep: `"has_output"` (default) drops methods returning nothing, `"has_params"` modules without params. */
  filters?: readonly TabulateFilter[] | null;
  /** Table style: `"grid"` (default, as Haiku) or `"github"` (Markdown). */
  tablefmt?: TableFormat;
}

const DEFAULT_COLUMNS: readonly TabulateColumn[] = [
  "module",
  "config",
  "owned_params",
  "input",
  "output",
  "params_size",
  "params_bytes",
];
const DEFAULT_FILTERS: readonly TabulateFilter[] = ["has_output"];

function pyList(xs: readonly string[]): string {
  return `[${xs.map((x) => `'${x}'`).join(", ")}]`;
}

/**
 * A table of the module calls made by `f` (Haiku's `hk.experimental.tabulate`): module (with its
 * callers), config, owned params, input, output, param count and bytes (of the module and its
 * submodules).
 *
 * @param f - a function that uses modules, or a transformed object.
 * @param opts - `columns`, `filters`, `tablefmt`.
 * @example
 * ```ts
 * console.log(hk.experimental.tabulate((x: tf.Tensor) => new hk.nets.MLP([300, 100, 10]).call(x))(tf.ones([8, 784])));
 * // +-------------------------+---------------------------------+-----------------+------------+...
 * // | Module                  | Config                          | Module params   | Input      |...
 * // +=========================+=================================+=================+============+...
 * // | mlp/~/linear_0 (Linear) | Linear(outputSize=300, name=... | w: f32[784,300] | f32[8,784] |...
 * // |  └ mlp (MLP)            |                                 | b: f32[300]     |            |...
 * ```
 */
export function tabulate(f: unknown, opts: TabulateOptions = {}): (...args: unknown[]) => string {
  const summary = evalSummary(f);
  const columnNames = opts.columns ?? DEFAULT_COLUMNS;
  const invalidColumns = columnNames.filter((c) => !(c in ALL_COLUMNS));
  if (invalidColumns.length > 0) {
    throw new InvalidArgumentError(
      "hk.experimental.tabulate",
      `Invalid column(s) ${pyList(invalidColumns)}, valid columns ${pyList(Object.keys(ALL_COLUMNS))}`,
      "pass `columns` from the valid ones.",
    );
  }
  const filterNames = opts.filters ?? DEFAULT_FILTERS;
  const invalidFilters = filterNames.filter((c) => !(c in ALL_FILTERS));
  if (invalidFilters.length > 0) {
    throw new InvalidArgumentError(
      "hk.experimental.tabulate",
      `Invalid filter(s) ${pyList(invalidFilters)}, valid filters ${pyList(Object.keys(ALL_FILTERS))}`,
      "pass `filters` from the valid ones.",
    );
  }
  const tablefmt = opts.tablefmt ?? "grid";
  if (tablefmt !== "grid" && tablefmt !== "github") {
    throw new InvalidArgumentError(
      "hk.experimental.tabulate",
      `\`tablefmt\` must be "grid" or "github", got ${describe(tablefmt)}`,
      'pass `tablefmt: "grid"` or `"github"`.',
    );
  }
  const columns = columnNames.map((c) => ALL_COLUMNS[c]!);
  const filters = filterNames.map((c) => ALL_FILTERS[c]!);
  return (...args: unknown[]): string => {
    const rows = summary(...args)
      .filter((r) => filters.every((keep) => keep(r)))
      .map((r) => columns.map((c) => c.f(r)));
    if (rows.length === 0) return "No modules matching filters.";
    return renderTable(
      rows,
      columns.map((c) => c.header),
      columns.map((c) => c.align),
      tablefmt,
    );
  };
}
