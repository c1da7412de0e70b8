// Ports of individual cases from dm-haiku haiku/_src/module_test.py (ModuleTest), rewritten in
// TypeScript against the same expected names and values.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";
import * as tree from "../../src/tree/index.js";
import { zeros } from "./helpers.js";

/** module_test.py's `transform_and_run`: runs `fn` in init and then in apply. */
function transformAndRun(fn: () => void): void {
  const f = hk.transformWithState(fn);
  const [p, s] = f.init(null);
  const [, s2] = f.apply(p, s, null);
  tree.dispose([p, s, s2]);
}

@hk.module
class EmptyModule extends hk.Module {}

@hk.module
class ScalarModule extends hk.Module {
  call() {
    return hk.getParameter("w", [], { init: zeros });
  }
}

@hk.module
class ScalarStateModule extends hk.Module {
  call() {
    return hk.getState("w", { shape: [], init: zeros });
  }
}

@hk.module
class CapturesModule extends hk.Module {
  constructor(readonly inner: () => unknown) {
    super();
  }
  call() {
    return this.inner();
  }
}

@hk.module
class CreatesSubmoduleWithCtorParam extends hk.Module {
  readonly child: EmptyModule;
  constructor(name?: string) {
    super(name);
    this.child = new EmptyModule();
  }
}

@hk.module
class MultipleForwardMethods extends hk.Module {
  readonly ctorMod = new ScalarModule();
  callMod?: ScalarModule;
  encodeMod?: ScalarModule;
  decodeMod?: ScalarModule;
  call() {
    this.callMod = new ScalarModule();
    this.callMod.call();
    this.ctorMod.call();
    this.encode();
    this.decode();
  }
  encode() {
    this.encodeMod = new ScalarModule();
    this.encodeMod.call();
  }
  decode() {
    this.decodeMod = new ScalarModule();
    this.decodeMod.call();
  }
}

@hk.module
class IdentityModule extends hk.Module {
  call(x: unknown) {
    return x;
  }
}

describe("module_test.py", () => {
  it("test_module_naming_explicit_numbering_out_of_order", () =>
    transformAndRun(() => {
      for (const n of [1, 3, 2, 4]) expect(new EmptyModule(`custom_name_${n}`).moduleName).toBe(`custom_name_${n}`);
      expect(() => new EmptyModule("custom_name_4")).toThrow("Module name 'custom_name_4' is not unique");
    }));

  it("test_module_naming_explicit_numbering (steps 1, 2, 3)", () =>
    transformAndRun(() => {
      for (const step of [1, 2, 3]) {
        hk.nameScope(`s${step}`, () => {
          for (let n = 0; n < step * 10; n += step) {
            expect(new EmptyModule(`custom_name_${n}`).name).toBe(`custom_name_${n}`);
          }
        });
      }
    }));

  it("test_module_naming_explicit_numbering_zero_padded_vs_no_pad", () =>
    transformAndRun(() => {
      const m1 = new ScalarModule("scalar_module_1");
      const m2 = new ScalarModule("scalar_module_001");
      expect([m1.moduleName, m2.moduleName]).toEqual(["scalar_module_1", "scalar_module_001"]);
      expect(m1.call()).not.toBe(m2.call()); // No parameter sharing.
    }));

  it("test_parameter_reuse", () => {
    const f = hk.transform(() => {
      const mod = new ScalarModule();
      return mod.call() === mod.call();
    });
    const p = f.init(null);
    expect(f.apply(p, null)).toBe(true);
    tree.dispose(p);
  });

  it("test_params_nested / test_multiple_forward_methods", () => {
    const names: string[] = [];
    const f = hk.transform(() =>
      hk.customCreator(
        (next, shape, dtype, init, ctx) => {
          names.push(ctx.fullName);
          return next(shape, dtype, init);
        },
        () => new MultipleForwardMethods("outer").call(),
      ),
    );
    const p = f.init(null);
    expect(Object.keys(p)).toEqual([
      "outer/scalar_module",
      "outer/~/scalar_module",
      "outer/~encode/scalar_module",
      "outer/~decode/scalar_module",
    ]);
    expect(names).toEqual(Object.keys(p).map((n) => n + "/w"));
    tree.dispose(p);
  });

  it("test_params_dict / test_state_dict", () =>
    transformAndRun(() => {
      for (let i = 0; i < 5; i++) {
        const mod = new ScalarModule();
        const w = mod.call();
        expect(mod.paramsDict()).toEqual({ [i ? `scalar_module_${i}/w` : "scalar_module/w"]: w });
        const smod = new ScalarStateModule();
        const s = smod.call();
        expect(smod.stateDict()).toEqual({ [i ? `scalar_state_module_${i}/w` : "scalar_state_module/w"]: s });
      }
    }));

  it("test_params_dict_captured and _captured_lambda", () =>
    transformAndRun(() => {
      const inner = new ScalarModule();
      const mod = new CapturesModule(() => inner.call());
      const w = mod.call();
      expect(Object.keys(mod.paramsDict())).toEqual(["scalar_module/w"]);
      const mod2 = new CapturesModule(() => new ScalarModule().call());
      const w2 = mod2.call();
      expect(mod2.call()).toBe(w2);
      expect(mod2.paramsDict()).toEqual({ "captures_module_1/scalar_module/w": w2 });
      expect(w).not.toBe(w2);
    }));

  it("test_submodules_in_ctor_tracked", () =>
    transformAndRun(() => {
      const m = new CreatesSubmoduleWithCtorParam("parent");
      expect(m.child.moduleName).toBe("parent/~/empty_module");
      expect(hk.getParams()).toEqual({});
    }));

  it("test_intercept_method and calling the underlying method is optional", () =>
    transformAndRun(() => {
      const mod = new IdentityModule();
      const x = 1;
      let calls = 0;
      const y1 = mod.call(x);
      const y2 = hk.interceptMethods(
        (f, args, ctx) => {
          calls++;
          expect(ctx.module).toBe(mod);
          expect(ctx.methodName).toBe("call");
          expect(ctx.origMethod(2)).toBe(2);
          expect(args).toEqual([x]);
          return (f(...args) as number) + 1;
        },
        () => mod.call(x),
      );
      const y3 = mod.call(x);
      expect([calls, y1, y2, y3]).toEqual([1, 1, 2, 1]);
      const skipped = hk.interceptMethods(
        () => "intercepted",
        () => mod.call(x),
      );
      expect(skipped).toBe("intercepted");
    }));

  it("test_stateful_module: count goes 0 -> 10", () => {
    @hk.module
    class CountingModule extends hk.Module {
      call() {
        for (let i = 0; i < 10; i++) {
          const c = hk.getState("count", { shape: [], dtype: "int32", init: zeros });
          hk.setState("count", tf.add(c, tf.scalar(1, "int32")));
        }
      }
    }
    const f = hk.transformWithState(() => new CountingModule().call());
    const [p, s] = f.init(null);
    expect(Array.from((s["counting_module"]!["count"] as tf.Tensor).dataSync())).toEqual([0]);
    const [, s2] = f.apply(p, s, null);
    expect(Array.from((s2["counting_module"]!["count"] as tf.Tensor).dataSync())).toEqual([10]);
    tree.dispose([s, s2]);
  });
});
