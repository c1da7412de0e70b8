// Names that collide with Object.prototype members (`__proto__`, `constructor`, ...) as module,
// parameter and state names: from a checkpoint file, from user trees, and from modules. Every
// function must carry them as own keys (never write to a prototype, never drop a key).
import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";
import { pythonSaveFile, leBytes } from "./python_layout.js";

/** Names that mean something to `Object.prototype`; `__proto__` is the one that can pollute. */
export const HOSTILE_NAMES = [
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "valueOf",
] as const;

/** True when no test left a trace on the shared prototypes. */
function prototypesClean(): boolean {
  const probe = {} as Record<string, unknown>;
  return (
    probe["isAdmin"] === undefined &&
    probe["w"] === undefined &&
    (Object as unknown as Record<string, unknown>)["w"] === undefined &&
    (Object as unknown as Record<string, unknown>)["isAdmin"] === undefined &&
    typeof probe["toString"] === "function" &&
    Object.getPrototypeOf(probe) === Object.prototype
  );
}

const own = (o: object) => Object.getOwnPropertyNames(o);

afterEach(() => {
  expect(prototypesClean()).toBe(true);
});

function fileWith(names: readonly string[]): Uint8Array {
  return pythonSaveFile(names.map((name, i) => ({ name, dtype: "F32", shape: [1], data: leBytes("f32", [i + 1]) })));
}

describe("a checkpoint with hostile names", () => {
  it("deserialize keeps `__proto__/isAdmin` as an own module and writes no prototype", () => {
    const params = hk.io.deserialize(fileWith(["__proto__/isAdmin", "ok/w"])) as Record<
      string,
      Record<string, tf.Tensor>
    >;
    expect(({} as Record<string, unknown>)["isAdmin"]).toBeUndefined();
    expect(own(params)).toEqual(["__proto__", "ok"]);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(own(params["__proto__"]!)).toEqual(["isAdmin"]);
    expect(params["__proto__"]!["isAdmin"]!.dataSync()).toEqual(new Float32Array([1]));
    hk.tree.dispose(params);
  });

  it.each(HOSTILE_NAMES)("module and param named %s survive every hk.data function", (name) => {
    const params = hk.io.deserialize(
      fileWith([`${name}/isAdmin`, `m/${name}`, `${name}/${name}`]),
    ) as hk.data.Structure<tf.Tensor>;
    const check = (s: hk.data.Structure<unknown>, what: string) => {
      expect(own(s).sort(), what).toEqual([name, "m"].sort());
      expect(own(s[name]!).sort(), what).toEqual([name, "isAdmin"].sort());
      expect(own(s["m"]!), what).toEqual([name]);
      expect(Object.getPrototypeOf(s), what).toBe(Object.prototype);
      expect(Object.getPrototypeOf(s[name]), what).toBe(Object.prototype);
    };
    check(
      hk.data.filter(() => true, params),
      "filter",
    );
    check(
      hk.data.map((_m, _n, v) => v, params),
      "map",
    );
    const [yes, no] = hk.data.partition(() => true, params);
    check(yes, "partition");
    expect(own(no)).toEqual([]);
    const parts = hk.data.partitionN(() => 0, params, 1);
    check(parts[0]!, "partitionN");
    check(hk.data.merge(params, params, { checkDuplicates: true }), "merge");
    const [onlyHostile, rest] = hk.data.partition((m) => m === name, params);
    check(hk.data.merge(rest, onlyHostile), "merge of parts");
    check(hk.data.toMutableDict(params), "toMutableDict");
    check(hk.data.toHaikuDict(params), "toHaikuDict");
    check(hk.data.toImmutableDict(params), "toImmutableDict");
    expect([...hk.data.traverse(params)].map(([m, n]) => `${m}/${n}`).sort()).toEqual(
      [`${name}/isAdmin`, `${name}/${name}`, `m/${name}`].sort(),
    );
    expect(hk.data.isSubset({ subset: params, superset: hk.data.filter(() => true, params) })).toBe(true);
    expect(hk.data.treeSize(params)).toBe(3);
    hk.tree.dispose(params);
  });

  it.each(HOSTILE_NAMES)("module and param named %s survive hk.tree functions", (name) => {
    const params = hk.io.deserialize(fileWith([`${name}/isAdmin`, `m/${name}`])) as Record<
      string,
      Record<string, tf.Tensor>
    >;
    const check = (s: unknown, what: string) => {
      const t = s as Record<string, Record<string, unknown>>;
      expect(own(t).sort(), what).toEqual([name, "m"].sort());
      expect(own(t[name]!), what).toEqual(["isAdmin"]);
      expect(own(t["m"]!), what).toEqual([name]);
    };
    const ones = hk.tree.map(() => 1, params);
    check(ones, "map");
    expect(hk.tree.leaves(ones)).toEqual([1, 1]);
    check(
      hk.tree.mapWithPath((_p: string, x: unknown) => x, params),
      "mapWithPath",
    );
    check(
      hk.tree.map((a: number, b: number) => a + b, ones, ones),
      "map of two trees",
    );
    const [leaves, def] = hk.tree.flatten(params);
    expect(leaves).toHaveLength(2);
    check(hk.tree.unflatten(def, leaves), "unflatten");
    expect(hk.tree.structure(params).equals(def)).toBe(true);
    expect(
      hk.tree
        .leavesWithPath(params)
        .map(([p]) => p.join("/"))
        .sort(),
    ).toEqual([`${name}/isAdmin`, `m/${name}`].sort());
    expect(() => hk.tree.assertSameStructure(params, ones)).not.toThrow();
    // A tree missing the hostile module is a mismatch, not silently equal.
    expect(() => hk.tree.assertSameStructure(params, { m: ones.m })).toThrow(/missing keys/);
    hk.tree.dispose(params);
  });

  it("an optimizer, applyUpdates and valueAndGrad carry a `__proto__` module", () => {
    const params = hk.io.deserialize(fileWith(["__proto__/w", "constructor/w"])) as Record<
      string,
      Record<string, tf.Tensor>
    >;
    const loss = (p: typeof params) =>
      tf.add(tf.sum(tf.square(p["__proto__"]!["w"]!)), tf.sum(p["constructor"]!["w"]!));
    const [value, grads] = hk.valueAndGrad(loss)(params);
    expect(own(grads)).toEqual(["__proto__", "constructor"]);
    expect(grads["__proto__"]!["w"]!.dataSync()).toEqual(new Float32Array([2])); // d/dw w^2 at w = 1
    const opt = hk.optim.sgd(0.5);
    const state = opt.init(params);
    const [updates, newState] = opt.update(grads, state, params);
    expect(own(updates as object)).toEqual(["__proto__", "constructor"]);
    const next = hk.optim.applyUpdates(params, updates) as typeof params;
    expect(own(next)).toEqual(["__proto__", "constructor"]);
    expect(next["__proto__"]!["w"]!.dataSync()).toEqual(new Float32Array([0])); // 1 - 0.5 * 2
    expect(next["constructor"]!["w"]!.dataSync()).toEqual(new Float32Array([1.5])); // 2 - 0.5 * 1
    const adam = hk.optim.adam(0.1);
    const adamState = adam.init(params);
    expect(own((adamState as unknown as [{ mu: object }])[0].mu)).toEqual(["__proto__", "constructor"]);
    for (const t of [value, grads, updates, newState, next, adamState, params]) hk.tree.dispose(t);
    hk.tree.dispose(state);
  });

  it("save then load round-trips every hostile name as module and param", () => {
    const tree: Record<string, Record<string, tf.Tensor>> = {};
    for (const name of HOSTILE_NAMES) {
      const bundle: Record<string, tf.Tensor> = {};
      Object.defineProperty(bundle, name, {
        value: tf.scalar(1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      Object.defineProperty(tree, name, { value: bundle, enumerable: true, writable: true, configurable: true });
    }
    const back = hk.io.deserialize(hk.io.serialize(tree)) as typeof tree;
    expect(own(back)).toEqual([...HOSTILE_NAMES]);
    for (const name of HOSTILE_NAMES) expect(own(back[name]!)).toEqual([name]);
    hk.tree.dispose(tree);
    hk.tree.dispose(back);
  });
});

describe("hostile module, parameter and state names", () => {
  it.each(HOSTILE_NAMES)("new hk.Linear(2, { name: %j }) gives params with that own key, usable in apply", (name) => {
    const f = hk.transform((x: tf.Tensor) => new hk.Linear(2, { name }).call(x));
    const x = tf.ones([1, 3]);
    const params = f.init(hk.random.key(0), x);
    expect(own(params)).toEqual([name]);
    expect(own(params[name]!)).toEqual(["w", "b"]);
    const y = f.apply(params, null, x);
    expect(y.shape).toEqual([1, 2]);
    // The params also survive the data functions and a checkpoint round trip.
    const again = hk.io.deserialize(hk.io.serialize(hk.data.filter(() => true, params)));
    expect(own(again)).toEqual([name]);
    // apply with params lacking that module is an error, not Object.prototype's member.
    expect(() => f.apply({}, null, x)).toThrow(/Unable to retrieve parameter "w"/);
    hk.tree.dispose([params, again, x, y]);
  });

  it.each(HOSTILE_NAMES)("getParameter / getState / setState named %j", (name) => {
    const f = hk.transformWithState(() => {
      const p = hk.getParameter(name, [1], { init: hk.initializers.Constant(3) });
      const s = hk.getState(name, { shape: [1], init: hk.initializers.Constant(4) });
      hk.setState(name, tf.add(s, 1));
      const all = hk.getParams();
      const cur = hk.getCurrentState();
      expect(own(all["~"]!)).toEqual([name]);
      expect(own(cur["~"]!)).toEqual([name]);
      return tf.add(p, s);
    });
    const [params, state] = f.init(hk.random.key(0));
    expect(own(params["~"]!)).toEqual([name]);
    expect(own(state["~"]!)).toEqual([name]);
    const [out, next] = f.apply(params, state, null);
    expect(out.dataSync()).toEqual(new Float32Array([7]));
    expect((next["~"]![name] as tf.Tensor).dataSync()).toEqual(new Float32Array([5]));
    // Apply with params lacking the entry says so instead of finding Object.prototype's member.
    expect(() => f.apply({ "~": {} }, state, null)).toThrow(/Unable to retrieve parameter/);
    hk.tree.dispose([params, state, out, next]);
  });

  it("EMAParamsTree keeps a `__proto__` module of the tree it averages", () => {
    const params = hk.io.deserialize(fileWith(["__proto__/w", "m/constructor"])) as hk.Params;
    const ema = hk.transformWithState((p: hk.Params) => new hk.EMAParamsTree(0.5).call(p));
    const [, state] = ema.init(null, params);
    const [averaged, next] = ema.apply({}, state, null, params);
    expect(own(averaged)).toEqual(["__proto__", "m"]);
    expect(own(averaged["__proto__"]!)).toEqual(["w"]);
    expect(own(averaged["m"]!)).toEqual(["constructor"]);
    expect(averaged["__proto__"]!["w"]!.dataSync()).toEqual(new Float32Array([1]));
    hk.tree.dispose([params, state, averaged, next]);
  });
});
