/**
 * Weight names derived from pytree paths. tfjs-layers only accepts names matching
 * `/^[A-Za-z0-9][-A-Za-z0-9._\/]*$/`, and on load treats weights whose first name ends in a
 * number-like segment as Keras v3 files (`container.ts` `isKerasSavedModelFormat`), so:
 * - names start with `params/` or `state/` (a valid first character; params and state never clash);
 * - Haiku's `~` becomes `_`, other characters outside `[-A-Za-z0-9._]` become `-`;
 * - array indices and segments that `parseInt` reads as a number get a leading `_` (`0` -> `_0`);
 * - empty segments become `_`; a name already taken in the layer gets `.1`, `.2`, ... appended.
 */
import type { PathEntry } from "../tree/index.js";

function segment(s: string): string {
  if (s === "") return "_";
  const clean = s.replace(/~/g, "_").replace(/[^-A-Za-z0-9._]/g, "-");
  return Number.isNaN(parseInt(clean, 10)) ? clean : `_${clean}`;
}

/** The tfjs weight name of the leaf at `path` of the `params` or `state` tree.
 */
export function weightName(prefix: "params" | "state", path: readonly PathEntry[]): string {
  const parts: string[] = [prefix];
  for (const p of path) {
    if (typeof p === "number") parts.push(`_${p}`);
    else for (const s of p.split("/")) parts.push(segment(s));
  }
  return parts.join("/");
}

/**
 * `name`, or `name.1`, `name.2`, ... : the first one not in `taken` (which it is added to).
 */
export function uniqueName(name: string, taken: Set<string>): string {
  let out = name;
  for (let i = 1; taken.has(out); i++) out = `${name}.${i}`;
  taken.add(out);
  return out;
}
