/** `hk.nameScope` and `hk.currentName` (Haiku's `name_scope` / `current_name`). */
import { describe } from "../util/describe.js";
import { currentFrame } from "./frame.js";
import { Module, module } from "./module.js";
import { InvalidArgumentError } from "../util/errors.js";

/** The module behind a name scope: it exists only to own a name. */
const NameScopeModule = module("name_scope_module", class NameScopeModule extends Module {});

/** Options of {@link nameScope}.
 *
 * @category Modules and parameters
 */
export interface NameScopeOptions {
  /**
   * The method the scope acts as, for naming modules created inside: `"call"` (default) gives
   * `scope/child`, `"constructor"` gives `scope/~/child`, another name `m` gives `scope/~m/child`.
   */
  methodName?: string;
}

/**
 * Runs `fn` with `name` added to the names of new modules, parameters and state (Haiku's
 * `with hk.name_scope(name):`). `name` may have several parts (`"a/b"`); each part is allocated
 * like a module name, so two `nameScope("foo", ...)` in the same scope give `foo` then `foo_1`.
 *
 * @example
 * ```ts
 * hk.nameScope("encoder", () => hk.getParameter("w", [2], { init: hk.initializers.Constant(1) })); // params["encoder"]["w"]
 * ```
 *
 * @category Modules and parameters
 */
export function nameScope<T>(name: string, fn: () => T, opts: NameScopeOptions = {}): T {
  const frame = currentFrame("nameScope");
  if (typeof name !== "string" || name === "" || name.startsWith("/")) {
    throw new InvalidArgumentError(
      "hk.nameScope",
      `Name scopes must not start with / (nor be empty), got ${describe(name)}`,
      'pass a relative name such as "block".',
    );
  }
  const parts = name.split("/");
  // As Haiku: one module per part, each created "inside the call" of the previous one.
  const entries = [];
  let scope: Module | undefined;
  try {
    for (const part of parts) {
      scope = new NameScopeModule(part);
      entries.push(frame.pushModule(scope, "call"));
    }
  } finally {
    for (let i = entries.length - 1; i >= 0; i--) frame.popModule(entries[i]!);
  }
  const entry = frame.pushModule(scope!, opts.methodName ?? "call");
  try {
    return fn();
  } finally {
    frame.popModule(entry);
  }
}

/**
 * The name of the innermost module or name scope, `"~"` outside any module (Haiku's
 * `hk.experimental.current_name`); parameters created now go under this name.
 *
 * @example
 * ```ts
 * hk.nameScope("foo", () => hk.currentName()); // "foo"
 * ```
 *
 * @category Modules and parameters
 */
export function currentName(): string {
  return currentFrame("currentName").currentName();
}
