/**
 * Haiku's module naming rules (`module.py:483-607`, `utils.py:257`): snake-cased class names,
 * `_N` counters per parent-method invocation, explicit numbers kept, uniqueness checks.
 */
import type { Frame } from "./frame.js";

/**
 * Haiku's `camel_to_snake`: `Conv2D` -> `conv2_d`, `MLP` -> `mlp`, `BatchNorm` -> `batch_norm`,
 * `HTTPServer` -> `http_server`.
 *
 * @category Modules and parameters
 */
export function camelToSnake(value: string): string {
  return value.replace(/((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))/g, "_$1").toLowerCase();
}

const VALID_IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Where `name`'s canonical number suffix starts: the index of the `_` in `name_3` (`_0` or `_`
 * plus digits without a leading zero, at the very end), or -1. Module construction is on the
 * apply path, so this scans characters instead of running a regex and allocating a match.
 * Digits contain no `_`, so only the last `_` can start a suffix.
 */
function numberSuffixStart(name: string): number {
  const i = name.lastIndexOf("_");
  const len = name.length;
  if (i < 0 || i === len - 1) return -1;
  const first = name.charCodeAt(i + 1);
  if (first === 48 /* 0 */) return i + 2 === len ? i : -1;
  for (let j = i + 1; j < len; j++) {
    const c = name.charCodeAt(j);
    if (c < 48 || c > 57) return -1;
  }
  return i;
}

/**
 * Splits `name_3` into `["name", 3]`; `[name, undefined]` without a (canonical) number.
 *
 * @category Modules and parameters
 */
export function nameAndNumber(name: string): [string, number | undefined] {
  const i = numberSuffixStart(name);
  return i < 0 ? [name, undefined] : [name.slice(0, i), Number(name.slice(i + 1))];
}

/** Names already validated (module construction is on the apply path: skip the regex). */
const validNames = new Set<string>();

/** Throws Haiku's invalid-name error unless `name` is a valid (Python) identifier.
 *
 * @category Modules and parameters
 */
export function checkName(name: string): void {
  if (validNames.has(name)) return;
  if (VALID_IDENTIFIER.test(name)) {
    if (validNames.size < 10_000) validNames.add(name);
  } else {
    throw new Error(
      `'${name}' is not a valid module name (must be a valid Python identifier): use letters, ` +
        "digits and `_`, not starting with a digit, e.g. `{ name: \"my_linear\" }`, so that " +
        "parameter names stay compatible with Haiku checkpoints.",
    );
  }
}

function notUniqueError(name: string): Error {
  return new Error(
    `Module name '${name}' is not unique. Another module in the same scope already has it: ` +
      "drop the explicit number (Haiku numbers modules for you), pick another name, or reuse " +
      "the existing module instance to share its parameters.",
  );
}

/**
 * Marks `name` as taken in the current invocation and bumps its counter past its number.
 *
 * @category Modules and parameters
 */
export function reserveModuleName(frame: Frame, name: string, checkUnique: boolean): void {
  const used = frame.usedNames();
  if (checkUnique && used.has(name)) throw notUniqueError(name);
  used.add(name);
  const i = numberSuffixStart(name);
  const base = i < 0 ? name : name.slice(0, i);
  const next = i < 0 ? 1 : Number(name.slice(i + 1)) + 1;
  const counters = frame.counters();
  const current = counters.get(base);
  if (current === undefined || current < next) counters.set(base, next);
}

/**
 * The full name for a new module called `name`, given the innermost running module method:
 * `parent/name` under `call`, `parent/~/name` under the constructor, `parent/~method/name` under
 * other methods; then `_N` numbering unique within that method invocation.
 *
 * @category Modules and parameters
 */
export function uniqueAndCanonicalName(frame: Frame, name: string): string {
  const top = frame.moduleStack[frame.moduleStack.length - 1];
  let prefix = "";
  if (top !== undefined) {
    const method = top.methodName;
    prefix =
      top.module.moduleName + (method === "call" ? "/" : method === "constructor" ? "/~/" : "/~" + method + "/");
  }
  // The number suffix is parsed on the short bare name: the prefix ends with `/`, so it never
  // holds a suffix, and the result is the same as parsing the full name.
  const i = numberSuffixStart(name);
  const counters = frame.counters();
  let qualified: string;
  let base: string;
  let next: number;
  if (i >= 0) {
    const digits = name.slice(i + 1);
    // Past 15 digits `String(Number(digits))` may not round-trip: take the general path.
    if (digits.length > 15) {
      const [b, n] = nameAndNumber(prefix + name);
      qualified = `${b}_${n!}`;
      reserveModuleName(frame, qualified, true);
      return qualified;
    }
    // An explicit number is kept (written back in canonical form).
    base = prefix + name.slice(0, i);
    qualified = base + "_" + digits;
    next = Number(digits) + 1;
  } else {
    base = prefix + name;
    const n = counters.get(base);
    qualified = n ? base + "_" + String(n) : base;
    next = (n ?? 0) + 1;
  }
  const used = frame.usedNames();
  if (used.has(qualified)) throw notUniqueError(qualified);
  used.add(qualified);
  const current = counters.get(base);
  if (current === undefined || current < next) counters.set(base, next);
  return qualified;
}

/** Prefix of names made by {@link forceName}. */
const FORCE_PREFIX = "FORCE:";

/**
 * A module name that is used exactly as given, with no parent prefix and no numbering (Haiku's
 * `hk.force_name`): the module shares parameters with anything else of that full name, and the
 * name is reserved so a later module asking for it gets a suffix.
 *
 * @example
 * ```ts
 * const shared = new Linear(2, { name: hk.forceName("encoder/~/linear") });
 * ```
 *
 * @category Modules and parameters
 */
export function forceName(name: string): string {
  return FORCE_PREFIX + name;
}

/**
 * The full name for a module given `name`, honouring {@link forceName}. @internal
 *
 * @category Modules and parameters
 */
export function moduleNameFor(frame: Frame, name: string): string {
  if (name.startsWith(FORCE_PREFIX)) {
    const forced = name.slice(FORCE_PREFIX.length);
    for (const part of forced.split("/")) {
      // `~` and `~method` are the separators Haiku itself produces, so they are allowed here.
      const bare = part.startsWith("~") ? part.slice(1) : part;
      if (bare !== "") checkName(bare);
      else if (part !== "~") checkName(part);
    }
    reserveModuleName(frame, forced, false);
    return forced;
  }
  checkName(name);
  return uniqueAndCanonicalName(frame, name);
}
