/**
 * Own-property access for objects keyed by names that come from outside (checkpoint files,
 * module and parameter names, user trees).
 *
 * A plain `obj[key] = v` with `key === "__proto__"` replaces the object's prototype instead of
 * adding a key (the key is lost, and a shared object may be written through); a plain read
 * `obj[key]` of a missing `"constructor"` / `"toString"` / ... finds `Object.prototype`'s member,
 * so `(out[m] ??= {})[n] = v` writes into `Object` itself. These helpers only ever see and make
 * own data properties, so such names are carried like any other key. They are internal: every
 * layer that builds an object from such keys uses them.
 *
 * @module
 * @internal
 */

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** Whether `obj` has the own property `key` (never an inherited one). @internal */
export function hasOwn(obj: object, key: string): boolean {
  return hasOwnProperty.call(obj, key);
}

/** `obj[key]` when it is an own property, else `undefined` (never an inherited member). @internal */
export function getOwn<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/**
 * Sets `obj[key] = value` as an own, enumerable, writable data property, also for `"__proto__"`
 * (which plain assignment would turn into a prototype change). @internal
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/**
 * The own child object `obj[key]`, created (as `{}`) when missing: the safe form of
 * `obj[key] ??= {}`. @internal
 */
export function ownChild<T>(obj: Record<string, Record<string, T>>, key: string): Record<string, T> {
  let child = hasOwnProperty.call(obj, key) ? obj[key] : undefined;
  if (child === undefined) {
    child = {};
    setOwn(obj, key, child);
  }
  return child;
}
