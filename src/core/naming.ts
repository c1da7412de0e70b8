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

const NUMBERED = /^(.*)_(0|[1-9]\d*)$/s;
const VALID_IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Splits `name_3` into `["name", 3]`; `[name, undefined]` without a (canonical) number.
 *
 * @category Modules and parameters
 */
export function nameAndNumber(name: string): [string, number | undefined] {
  const m = NUMBERED.exec(name);
  return m ? [m[1]!, Number(m[2])] : [name, undefined];
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

/**
 * Marks `name` as taken in the current invocation and bumps its counter past its number.
 *
 * @category Modules and parameters
 */
export function reserveModuleName(frame: Frame, name: string, checkUnique: boolean): void {
  const used = frame.usedNames();
  if (checkUnique && used.has(name)) {
    throw new Error(
      `Module name '${name}' is not unique. Another module in the same scope already has it: ` +
        "drop the explicit number (Haiku numbers modules for you), pick another name, or reuse " +
        "the existing module instance to share its parameters.",
    );
  }
  used.add(name);
  const [base, n] = nameAndNumber(name);
  const counters = frame.counters();
  counters.set(base, Math.max(counters.get(base) ?? 0, (n ?? 0) + 1));
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
  if (top !== undefined) {
    const method = top.methodName;
    if (method === "constructor") name = "~/" + name;
    else if (method !== "call") name = "~" + method + "/" + name;
    name = top.module.moduleName + "/" + name;
  }
  const [base, explicit] = nameAndNumber(name);
  const n = explicit ?? frame.counters().get(base) ?? 0;
  const qualified = explicit !== undefined || n ? `${base}_${n}` : base;
  reserveModuleName(frame, qualified, true);
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
