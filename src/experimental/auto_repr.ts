/**
 * A module's configuration as text (Haiku's `utils.auto_repr`, the "Config" column of
 * `tabulate`): `Linear(outputSize=300, name='linear_0')`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { camelToSnake } from "../core/index.js";
import { formatArray } from "./array_spec.js";

/**
 * Where a module may keep the arguments its constructor was called with. When the core records
 * them there, the config shows exactly the given arguments, as Haiku's does; otherwise it is
 * rebuilt from the constructor's parameter names and the module's fields of the same name.
 */
export const CONSTRUCTOR_ARGS: unique symbol = Symbol.for("haiku-tfjs.constructorArgs");

/** Formats a value as a JS-style literal, with tensors as `f32[2,3]` (Haiku's `pformat`). */
export function formatValue(x: unknown): string {
  if (x instanceof tf.Tensor) return formatArray(x);
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (typeof x === "string") return `'${x}'`;
  if (typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") return String(x);
  if (typeof x === "function") return x.name ? `<function ${x.name}>` : "<function>";
  if (Array.isArray(x)) return `[${x.map(formatValue).join(", ")}]`;
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}(${(x as unknown as ArrayLike<number>).length})`;
  if (typeof x === "object") {
    const ctor = (x as object).constructor;
    if (
      ctor !== Object &&
      ctor !== undefined &&
      typeof (x as { toString?: unknown }).toString === "function" &&
      (x as object).toString !== Object.prototype.toString
    ) {
      return String(x);
    }
    if (ctor !== Object && ctor !== undefined && ctor.name) return `<${ctor.name}>`;
    return `{${Object.entries(x as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${formatValue(v)}`)
      .join(", ")}}`;
  }
  return String(x);
}

/** Parameter names of the nearest constructor in the class chain that declares its own. */
function constructorParamNames(cls: unknown): string[] {
  for (let c = cls; typeof c === "function" && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const src = Function.prototype.toString.call(c);
    const names = parseConstructorParams(src);
    if (names !== null) return names;
  }
  return [];
}

/** Names in `constructor(a, b = 1, { c } = {})` of a class source; null if it has none of its own. */
function parseConstructorParams(src: string): string[] | null {
  const at = src.search(/\bconstructor\s*\(/);
  if (at < 0) return null;
  let i = src.indexOf("(", at) + 1;
  let depth = 0;
  let cur = "";
  const parts: string[] = [];
  for (; i < src.length; i++) {
    const ch = src[i]!;
    if (depth === 0 && ch === ")") break;
    if ("([{".includes(ch)) depth++;
    if (")]}".includes(ch)) depth--;
    if (depth === 0 && ch === ",") {
      parts.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  if (cur.trim()) parts.push(cur);
  const names = parts.map((p) => p.split("=")[0]!.trim());
  // The registration wrapper's `(...args)` is not the user's constructor.
  if (names.some((n) => n.startsWith("..."))) return null;
  return names;
}

/**
 * Haiku's auto-repr of a module: `ClassName(arg=value, ...)`; past 80 characters one argument per
 * line.
 */
export function moduleRepr(module: object): string {
  const cls = (module as { constructor: { name: string } }).constructor;
  const className = cls.name;
  const names = constructorParamNames(cls);
  const entries: [string, unknown][] = [];
  const recorded = (module as { [CONSTRUCTOR_ARGS]?: unknown })[CONSTRUCTOR_ARGS];
  if (Array.isArray(recorded)) {
    recorded.forEach((arg, i) => {
      const isOptions =
        i === recorded.length - 1 &&
        arg !== null &&
        typeof arg === "object" &&
        Object.getPrototypeOf(arg) === Object.prototype;
      if (isOptions) {
        for (const [k, v] of Object.entries(arg as Record<string, unknown>)) if (v !== undefined) entries.push([k, v]);
      } else {
        entries.push([names[i] ?? `arg${i}`, arg]);
      }
    });
  } else {
    const fields = module as Record<string, unknown>;
    for (const n of names) {
      if (/^(opts|options|name)$/.test(n) || !(n in fields)) continue;
      const v = fields[n];
      if (v === undefined || typeof v === "function") continue;
      entries.push([n, v]);
    }
    const name = (module as { name?: unknown }).name;
    if (typeof name === "string" && name !== camelToSnake(className)) entries.push(["name", name]);
  }
  const items = entries.map(([k, v]) => `${k}=${formatValue(v)}`);
  const single = `${className}(${items.join(", ")})`;
  if (single.length <= 80) return single;
  return `${className}(\n${items.map((s) => `    ${s},`).join("\n")}\n)`;
}
