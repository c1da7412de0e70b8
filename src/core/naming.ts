/**
 * Haiku's module naming rules (`module.py`'s `Module.__init__` and `unique_and_canonical_name`, `utils.py`'s `camel_to_snake`): snake-cased class names,
 * `_N` counters per parent-method invocation, explicit numbers kept, uniqueness checks.
 */
import { lastOf } from "./frame.js";
import type { Frame, ModuleEntry } from "./frame.js";
import { InvalidArgumentError } from "../util/errors.js";

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
function nameAndNumber(name: string): [string, number | undefined] {
  const i = numberSuffixStart(name);
  return i < 0 ? [name, undefined] : [name.slice(0, i), Number(name.slice(i + 1))];
}

/** Names already validated (module construction is on the apply path: skip the regex). */
const validNames = new Set<string>();

/** Throws Haiku's invalid-name error unless `name` is a valid (Python) identifier.
 */
export function checkName(name: string): void {
  if (validNames.has(name)) return;
  if (VALID_IDENTIFIER.test(name)) {
    if (validNames.size < 10_000) validNames.add(name);
  } else {
    throw new InvalidArgumentError(
      "hk.Module",
      `'${name}' is not a valid module name (must be a valid Python identifier)`,
      'use letters, digits and `_`, not starting with a digit, e.g. `{ name: "my_linear" }`, so that parameter names stay compatible with Haiku checkpoints.',
    );
  }
}

function notUniqueError(name: string): Error {
  return new InvalidArgumentError(
    "hk.Module",
    `Module name '${name}' is not unique. Another module in the same scope already has it`,
    "drop the explicit number (Haiku numbers modules for you), pick another name, or reuse the existing module instance to share its parameters.",
  );
}

/**
 * Marks `name` as taken in the current invocation and bumps its counter past its number.
 *
 * @category Modules and parameters
 */
function reserveModuleName(frame: Frame, name: string, checkUnique: boolean): void {
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
 * The names made under one naming scope (a parent module's method, or the top level), kept
 * across calls: `apply` rebuilds the same modules every time, and handing out the same string
 * objects lets the name tables and `params[moduleName]` reuse their cached hashes instead of
 * flattening and hashing freshly concatenated names on every call.
 */
interface NameCache {
  readonly prefix: string;
  /** Name within the scope (`linear_1`) -> full name (`mlp/~/linear_1`). */
  readonly full: Map<string, string>;
}

const ROOT_NAMES: NameCache = { prefix: "", full: new Map() };
/** Parent full name -> method name -> its scope's cache. */
const nameCaches = new Map<string, Map<string, NameCache>>();
/** Bounds the caches for programs that make ever new names (they fall back to concatenation). */
const NAME_CACHE_LIMIT = 100_000;
let cachedNames = 0;

function namesUnder(top: ModuleEntry): NameCache {
  let cache = top.names as NameCache | undefined;
  if (cache !== undefined) return cache;
  const parent = top.module.moduleName;
  const method = top.methodName;
  let byMethod = nameCaches.get(parent);
  cache = byMethod?.get(method);
  if (cache === undefined) {
    const sep = method === "call" ? "/" : method === "constructor" ? "/~/" : "/~" + method + "/";
    cache = { prefix: parent + sep, full: new Map() };
    if (cachedNames < NAME_CACHE_LIMIT) {
      if (byMethod === undefined) nameCaches.set(parent, (byMethod = new Map()));
      byMethod.set(method, cache);
      cachedNames++;
    }
  }
  top.names = cache;
  return cache;
}

function fullName(cache: NameCache, local: string): string {
  if (cache === ROOT_NAMES) return local;
  let full = cache.full.get(local);
  if (full === undefined) {
    full = cache.prefix + local;
    if (cachedNames < NAME_CACHE_LIMIT) {
      cache.full.set(local, full);
      cachedNames++;
    }
  }
  return full;
}

const lastParts = new Map<string, string>();

/**
 * The last part of a full module name (`mlp/~/linear_0` -> `linear_0`), cached like the full
 * names themselves. @internal
 */
export function lastNamePart(full: string): string {
  let last = lastParts.get(full);
  if (last === undefined) {
    last = full.slice(full.lastIndexOf("/") + 1);
    if (cachedNames < NAME_CACHE_LIMIT) {
      lastParts.set(full, last);
      cachedNames++;
    }
  }
  return last;
}

/** The value of the canonical number suffix of `name` starting after index `i` (<= 15 digits). */
function suffixValue(name: string, i: number): number {
  let v = 0;
  for (let j = i + 1; j < name.length; j++) v = v * 10 + (name.charCodeAt(j) - 48);
  return v;
}

/** A module name split once: `linear_3` -> base `linear`, explicit 3; `linear` -> itself, -1. */
interface ParsedName {
  readonly base: string;
  readonly explicit: number;
}

/** Valid names seen before, split: a hit also skips the identifier check. */
const parsedNames = new Map<string, ParsedName>();

/**
 * Splits `name`; `null` past 15 digits, where `String(Number(digits))` may not round-trip.
 * `validated`: whether `name` passed {@link checkName} (only such names are remembered).
 */
function parseName(name: string, validated: boolean): ParsedName | null {
  let parsed = parsedNames.get(name);
  if (parsed !== undefined) return parsed;
  const i = numberSuffixStart(name);
  if (i >= 0 && name.length - i - 1 > 15) return null;
  parsed = i < 0 ? { base: name, explicit: -1 } : { base: name.slice(0, i), explicit: suffixValue(name, i) };
  if (validated && cachedNames < NAME_CACHE_LIMIT) {
    parsedNames.set(name, parsed);
    cachedNames++;
  }
  return parsed;
}

function canonicalName(frame: Frame, name: string, parsed: ParsedName | null): string {
  const top = lastOf(frame.moduleStack);
  const cache = top === undefined ? ROOT_NAMES : namesUnder(top);
  // The number suffix was parsed on the short bare name: the prefix ends with `/`, so it never
  // holds a suffix, and the result is the same as parsing the full name.
  if (parsed === null) {
    const [b, n] = nameAndNumber(cache.prefix + name);
    const q = `${b}_${n!}`;
    reserveModuleName(frame, q, true);
    return q;
  }
  const counters = frame.counters();
  let qualified: string;
  let base: string;
  let next: number;
  if (parsed.explicit >= 0) {
    // An explicit number is kept; with at most 15 digits `name` is already canonical.
    qualified = fullName(cache, name);
    base = fullName(cache, parsed.base);
    next = parsed.explicit + 1;
  } else {
    base = fullName(cache, name);
    const n = counters.get(base);
    qualified = n ? fullName(cache, name + "_" + String(n)) : base;
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
 * const shared = new hk.Linear(2, { name: hk.forceName("encoder/~/linear") });
 * ```
 *
 * @category Modules and parameters
 */
export function forceName(name: string): string {
  return FORCE_PREFIX + name;
}

/**
 * The full name for a module given `name`, honouring {@link forceName}. @internal
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
  let parsed: ParsedName | null | undefined = parsedNames.get(name);
  if (parsed === undefined) {
    checkName(name);
    parsed = parseName(name, true);
  }
  return canonicalName(frame, name, parsed);
}
