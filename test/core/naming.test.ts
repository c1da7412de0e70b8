// Module naming, following Haiku's module_test.py / base_test.py behaviour as described in
// Haiku (dm-haiku haiku/_src/module.py, utils.py).
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import * as hk from "../../src/core/index.js";
import { Linear, ones, shapes } from "./helpers.js";
import { isRegisteredModuleClass } from "../../src/core/module.js";

/** Runs `fn` inside an init (like Haiku's `transform_and_run`) and returns its result. */
function inInit<T>(fn: () => T): T {
  let out: T | undefined;
  hk.transform(() => {
    out = fn();
  }).init(null);
  return out!;
}

@hk.module
class Empty extends hk.Module {}

@hk.module
class ScalarModule extends hk.Module {
  call() {
    return hk.getParameter("x", [], { init: ones });
  }
}

@hk.module
class OuterCtor extends hk.Module {
  readonly inner: Empty;
  constructor(name?: string) {
    super(name);
    this.inner = new Empty();
  }
  call() {
    return [this.inner.moduleName, new Empty().moduleName, new Empty().moduleName];
  }
  encode() {
    return new Empty().moduleName;
  }
}

@hk.module
class Conv2D extends hk.Module {}
@hk.module
class MLP extends hk.Module {}
@hk.module
class BatchNorm extends hk.Module {}

describe("camelToSnake", () => {
  it("matches Haiku's utils.camel_to_snake table", () => {
    // Expected values from Haiku's utils.camel_to_snake, computed with Python's re.
    const table: Record<string, string> = {
      Linear: "linear",
      Conv2D: "conv2_d",
      Conv2DTranspose: "conv2_d_transpose",
      DepthwiseConv2D: "depthwise_conv2_d",
      Conv1DLSTM: "conv1_dlstm",
      MultiHeadAttention: "multi_head_attention",
      ResNet: "res_net",
      MobileNetV1: "mobile_net_v1",
      LSTM: "lstm",
      GRU: "gru",
      MLP: "mlp",
      RMSNorm: "rms_norm",
      VanillaRNN: "vanilla_rnn",
      DeepRNN: "deep_rnn",
      BatchNorm: "batch_norm",
      VectorQuantizerEMA: "vector_quantizer_ema",
      ExponentialMovingAverage: "exponential_moving_average",
      HTTPServer: "http_server",
      ABCd: "ab_cd",
    };
    for (const [k, v] of Object.entries(table)) expect(hk.camelToSnake(k), k).toBe(v);
  });

  it("names modules from the original class name", () => {
    const names = inInit(() => [new Conv2D().moduleName, new MLP().moduleName, new BatchNorm().name]);
    expect(names).toEqual(["conv2_d", "mlp", "batch_norm"]);
  });
});

describe("numbering", () => {
  it("numbers repeated names _1, _2 and explicit names the same way", () => {
    const names = inInit(() => [
      new Empty().moduleName,
      new Empty().moduleName,
      new Empty().moduleName,
      new Empty("custom_name").moduleName,
      new Empty("custom_name").moduleName,
    ]);
    expect(names).toEqual(["empty", "empty_1", "empty_2", "custom_name", "custom_name_1"]);
  });

  it("keeps explicit numbers and continues after the largest", () => {
    const names = inInit(() => {
      const out: string[] = [];
      for (let i = 10; i >= 1; i--) out.push(new Empty(`custom_name_${i}`).moduleName);
      out.push(new Empty("custom_name").moduleName);
      return out;
    });
    expect(names.slice(0, 10)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((i) => `custom_name_${i}`));
    expect(names[10]).toBe("custom_name_11");
  });

  it("rejects reusing an explicit numbered name (issue #467) but not a plain one", () => {
    expect(() =>
      inInit(() => {
        new Empty("custom_name_1");
        new Empty("custom_name_1");
      }),
    ).toThrow("Module name 'custom_name_1' is not unique.");
    expect(() =>
      inInit(() => {
        new Empty("l_0");
        new Empty("l_0");
      }),
    ).toThrow("Module name 'l_0' is not unique.");
    expect(inInit(() => [new Empty("l").moduleName, new Empty("l").moduleName])).toEqual(["l", "l_1"]);
  });

  it("does not treat zero-padded suffixes as numbers", () => {
    expect(inInit(() => [new Empty("custom_name_007").moduleName, new Empty("custom_name_007").moduleName])).toEqual([
      "custom_name_007",
      "custom_name_007_1",
    ]);
  });

  it("parses only a canonical number at the very end of the name (Haiku's `_(0|[1-9]\\d*)$`)", () => {
    // haiku/_src/module.py unique_and_canonical_name: `name_0` counts as number 0, a trailing `_`
    // or `_` + letters is part of the base, `_3` alone is the empty base numbered 3.
    const names = inInit(() => [
      new Empty("a_0").moduleName,
      new Empty("a").moduleName,
      new Empty("a_").moduleName,
      new Empty("a_").moduleName,
      new Empty("_3").moduleName,
      new Empty("_").moduleName,
      new Empty("b_12x").moduleName,
      new Empty("b_12x").moduleName,
      new Empty("c_123456789012345").moduleName,
      new Empty("c").moduleName,
    ]);
    expect(names).toEqual([
      "a_0",
      "a_1",
      "a_",
      "a__1",
      "_3",
      "_",
      "b_12x",
      "b_12x_1",
      "c_123456789012345",
      "c_123456789012346",
    ]);
    // An underscore in the parent's name is never a number suffix of the child.
    @hk.module
    class Outer_1 extends hk.Module {
      call() {
        return [
          new Empty("linear").moduleName,
          new Empty("linear").moduleName,
          new Empty("linear_5").moduleName,
          new Empty("linear").moduleName,
        ];
      }
    }
    expect(inInit(() => new Outer_1().call())).toEqual([
      "outer_1/linear",
      "outer_1/linear_1",
      "outer_1/linear_5",
      "outer_1/linear_6",
    ]);
  });
  it("rejects invalid names", () => {
    expect(() => inInit(() => new Empty("1bad-name"))).toThrow(
      "'1bad-name' is not a valid module name (must be a valid Python identifier)",
    );
    expect(() => inInit(() => new Empty(""))).toThrow("is not a valid module name");
    expect(() => inInit(() => new Empty(3 as unknown as string))).toThrow("Expected a string name");
  });

  it("restarts numbering in every init and apply call", () => {
    const f = hk.transform(() => [new Empty().moduleName, new Empty().moduleName]);
    f.init(null);
    expect(f.apply({}, null)).toEqual(["empty", "empty_1"]);
    expect(f.apply({}, null)).toEqual(["empty", "empty_1"]);
  });
});

describe("nesting", () => {
  it("uses parent/~/child in the constructor, parent/child in call, parent/~method/child elsewhere", () => {
    const names = inInit(() => {
      const o = new OuterCtor();
      return [o.moduleName, ...o.call(), o.encode(), o.encode()];
    });
    expect(names).toEqual([
      "outer_ctor",
      "outer_ctor/~/empty",
      "outer_ctor/empty",
      "outer_ctor/empty_1",
      "outer_ctor/~encode/empty",
      "outer_ctor/~encode/empty",
    ]);
  });

  it("counts per parent-method invocation, so modules made in call share params across calls", () => {
    @hk.module
    class Shared extends hk.Module {
      call(x: tf.Tensor) {
        return new Linear(2).call(x);
      }
    }
    const f = hk.transform((x: tf.Tensor) => {
      const m = new Shared();
      return m.call(m.call(x));
    });
    const p = f.init(null, tf.ones([1, 2]));
    expect(Object.keys(p)).toEqual(["shared/linear"]);
  });

  it("names class-field submodules parent/~/child and works through subclass chains", () => {
    @hk.module
    class Base extends hk.Module {
      readonly a = new Empty();
      call() {
        return this.a.moduleName;
      }
    }
    @hk.module
    class Derived extends Base {
      readonly b = new Empty();
      override call() {
        return [super.call(), this.b.moduleName, new Empty().moduleName].join(",");
      }
    }
    const [d, s, isBase, isDerived, cls] = inInit(() => {
      const x = new Derived();
      return [x.moduleName, x.call(), x instanceof Base, x instanceof Derived, x.constructor.name] as const;
    });
    expect(d).toBe("derived");
    expect(s).toBe("derived/~/empty,derived/~/empty_1,derived/empty");
    expect(isBase && isDerived).toBe(true);
    expect(cls).toBe("Derived");
    expect(Derived.name).toBe("Derived");
  });

  it("wraps methods of an unregistered abstract base class", () => {
    abstract class AbstractBase extends hk.Module {
      helper() {
        return new Empty().moduleName;
      }
    }
    @hk.module
    class Concrete extends AbstractBase {}
    expect(inInit(() => new Concrete().helper())).toBe("concrete/~helper/empty");
  });

  it("keeps getters and transparent methods in the caller's scope", () => {
    @hk.module
    class T extends hk.Module {
      get prop() {
        return hk.currentName();
      }
      @hk.transparent
      make() {
        return new ScalarModule().call();
      }
      @hk.transparent
      call() {
        return this.make();
      }
      scoped() {
        return this.make();
      }
    }
    const f = hk.transform(() => {
      const t = new T();
      t.scoped();
      return [t.prop, t.call()];
    });
    const p = f.init(null);
    // Haiku's TransparentModule()() -> {"scalar_module": ...}; a scoped caller adds its scope.
    expect(Object.keys(p)).toEqual(["t/~scoped/scalar_module", "scalar_module"]);
    expect(f.apply(p, null)[0]).toBe("~");
  });

  it("records submodules used in methods for paramsDict/stateDict", () => {
    @hk.module
    class Parent extends hk.Module {
      call(child: ScalarModule) {
        hk.getParameter("p", [1], { init: ones });
        child.call();
        return this;
      }
    }
    const f = hk.transform(() => {
      const child = new ScalarModule();
      const parent = new Parent().call(child);
      return [Object.keys(parent.paramsDict()), Object.keys(child.paramsDict())];
    });
    const p = f.init(null);
    expect(f.apply(p, null)).toEqual([["parent/p", "scalar_module/x"], ["scalar_module/x"]]);
  });

  it("lists every submodule in paramsDict, also past the short-list size, each once", () => {
    @hk.module
    class Many extends hk.Module {
      call(children: ScalarModule[]) {
        for (const c of children) c.call();
        for (const c of children) c.call(); // used twice: still listed once
        return this;
      }
    }
    const f = hk.transform(() => {
      const children = Array.from({ length: 20 }, () => new ScalarModule());
      return Object.keys(new Many().call(children).paramsDict());
    });
    const p = f.init(null);
    const names = f.apply(p, null);
    expect(names).toHaveLength(20);
    expect(new Set(names).size).toBe(20);
    expect(names).toContain("scalar_module_19/x");
  });
});

describe("registration", () => {
  it("rejects modules and parameters created before super() or in its arguments", () => {
    @hk.module
    class Holder extends hk.Module {
      constructor(readonly child: unknown) {
        super();
      }
    }
    @hk.module
    class InSuperArgs extends Holder {
      constructor() {
        super(new Empty());
      }
    }
    @hk.module
    class ParamBeforeSuper extends Holder {
      constructor() {
        super(hk.getParameter("w", [], { init: ones }));
      }
    }
    const msg = "The super constructor must be called before you create parameters or submodules";
    expect(() => inInit(() => new InSuperArgs())).toThrow(msg);
    expect(() => inInit(() => new InSuperArgs())).toThrow(
      /^new InSuperArgs\(\): The super constructor must be called.*\. Fix: /,
    );
    expect(() => inInit(() => new InSuperArgs())).toThrow(hk.TransformError);
    expect(() => inInit(() => new ParamBeforeSuper())).toThrow(msg);
    // Children passed in from outside are fine.
    expect(inInit(() => (new Holder(new Empty()).child as Empty).moduleName)).toBe("empty");
  });

  it("throws a clear error for an unregistered subclass", () => {
    class Foo extends hk.Module {}
    expect(() => inInit(() => new Foo())).toThrow(
      "new Foo(): Module class `Foo` is not registered. Fix: add `@hk.module` above `class Foo extends hk.Module` " +
        '(or wrap it: `const Foo = hk.module("foo", class Foo ...)`), so that modules it creates in its ' +
        "constructor are named `foo/~/child` as in Haiku.",
    );
    // Also a subclass of a registered class that forgot its own line.
    class Bar extends Empty {}
    expect(() => inInit(() => new Bar())).toThrow("Module class `Bar` is not registered");
  });

  it("works as a plain call and as a standard (TC39) decorator", () => {
    const Plain = hk.module(
      class Plain extends hk.Module {
        readonly c = new Empty();
      },
    );
    const Std = hk.module(
      class StdDeco extends hk.Module {
        readonly c = new Empty();
      },
      { kind: "class", name: "StdDeco" },
    );
    expect(inInit(() => [new Plain().c.moduleName, new Std().c.moduleName])).toEqual([
      "plain/~/empty",
      "std_deco/~/empty",
    ]);
    expect(hk.module(Plain)).toBe(Plain);
    expect(isRegisteredModuleClass(Plain)).toBe(true);
    expect(() => hk.module(class NotAModule {})).toThrow("expects a class that extends `hk.Module`");
  });

  it("takes an explicit default name that survives minifying: decorator factory and call form", () => {
    // A name given at registration is used as is (a minifier renames classes, never strings).
    @hk.module("my_block")
    class Renamed extends hk.Module {
      readonly c = new Empty();
    }
    const Called = hk.module(
      "called_block",
      class Qi extends hk.Module {
        readonly c = new Empty();
      },
    );
    // Standard decorator with a factory: the explicit name wins over `context.name`.
    const Std = hk.module("std_named")(class Xy extends hk.Module {}, { kind: "class", name: "Xy" });
    expect(
      inInit(() => [new Renamed().c.moduleName, new Called().c.moduleName, new Std().moduleName, new Called().name]),
    ).toEqual(["my_block/~/empty", "called_block/~/empty", "std_named", "called_block_1"]);
    expect(Called.name).toBe("Qi");
    expect(hk.moduleDefaultName(Called)).toEqual({ name: "called_block", source: "explicit" });
    expect(hk.moduleDefaultName(Std)).toEqual({ name: "std_named", source: "explicit" });
    expect(hk.moduleDefaultName(Empty)).toEqual({ name: "empty", source: "class" });
    expect(hk.moduleDefaultName(class NotRegistered {})).toBeUndefined();
    // The name is not inherited: a subclass gets its own.
    @hk.module
    class SubOfRenamed extends Renamed {}
    expect(inInit(() => new SubOfRenamed().moduleName)).toBe("sub_of_renamed");
  });

  it("takes a standard decorator's context.name (the source's name) over Function.name", () => {
    // esbuild lowers `@hk.module class MyBlock` to a call with the literal "MyBlock" as
    // context.name, while the class object may carry a minified name.
    const Std = hk.module(class Qi extends hk.Module {}, { kind: "class", name: "MyBlock" });
    expect(inInit(() => new Std().moduleName)).toBe("my_block");
    expect(hk.moduleDefaultName(Std)).toEqual({ name: "my_block", source: "decorator" });
  });

  it("rejects an explicit registration name that is not a valid identifier", () => {
    expect(() => hk.module("my-block")).toThrow(
      "hk.module(\"my-block\"): 'my-block' is not a valid module name (must be a valid Python identifier). Fix: ",
    );
    expect(() => hk.module("my-block")).toThrow(hk.InvalidArgumentError);
    expect(() => hk.module("", class E extends hk.Module {})).toThrow("hk.module(\"\"): '' is not a valid module name");
  });

  it("refuses to construct modules outside a transform", () => {
    expect(() => new Empty()).toThrow(
      "new Empty(): All `hk.Module`s must be initialized inside an `hk.transform`. Fix: ",
    );
    expect(() => new Empty()).toThrow(hk.TransformError);
    const m = inInit(() => new ScalarModule());
    expect(() => m.call()).toThrow("All `hk.Module`s must be initialized inside an `hk.transform`.");
    expect(() => m.paramsDict()).toThrow("`hk.Module#paramsDict` must be used as part of an `hk.transform`");
  });

  it("restores the stacks when a constructor throws", () => {
    @hk.module
    class Boom extends hk.Module {
      constructor() {
        super();
        new Empty();
        throw new Error("boom");
      }
    }
    const names = inInit(() => {
      expect(() => new Boom()).toThrow("boom");
      return [hk.currentName(), new Empty().moduleName, new Boom2().moduleName];
    });
    expect(names).toEqual(["~", "empty", "boom2"]);
  });
});

@hk.module
class Boom2 extends hk.Module {}

describe("nameScope and currentName", () => {
  it("prefixes params and modules", () => {
    const f = hk.transform(() => {
      hk.nameScope("foo", () => hk.getParameter("w", [], { init: ones }));
      hk.nameScope("foo", () => hk.getParameter("w", [], { init: ones }));
      hk.nameScope("a/b", () => {
        expect(hk.currentName()).toBe("a/b");
        new ScalarModule().call();
      });
      hk.nameScope("c", () => new ScalarModule().call(), { methodName: "bar" });
      hk.getParameter("w", [], { init: ones });
    });
    expect(Object.keys(f.init(null))).toEqual(["foo", "foo_1", "a/b/scalar_module", "c/~bar/scalar_module", "~"]);
  });

  it("nests inside modules and rejects bad names", () => {
    @hk.module
    class MyModule extends hk.Module {
      call() {
        return hk.nameScope("my_name_scope", () => {
          hk.getParameter("w", [], { init: ones });
          return new ScalarModule("submodule").call();
        });
      }
    }
    const p = hk.transform(() => new MyModule().call()).init(null);
    expect(Object.keys(p)).toEqual(["my_module/my_name_scope", "my_module/my_name_scope/submodule"]);
    expect(() => inInit(() => hk.nameScope("/x", () => 0))).toThrow(
      'hk.nameScope: Name scopes must not start with / (nor be empty), got the string "/x". Fix: ',
    );
    expect(() => inInit(() => hk.nameScope("/x", () => 0))).toThrow(hk.InvalidArgumentError);
    expect(() => hk.nameScope("x", () => 0)).toThrow("`hk.nameScope` must be used as part of an `hk.transform`");
    expect(() => hk.currentName()).toThrow("`hk.currentName` must be used as part of an `hk.transform`");
  });
});

describe("toModule", () => {
  it("uses the function's name verbatim and runs it in the module scope", () => {
    function myFunction() {
      return hk.getParameter("b", [2], { init: ones });
    }
    const M = hk.toModule(myFunction);
    const p = hk.transform(() => [new M().call(), new M("other").call()]).init(null);
    expect(shapes(p)).toEqual({ myFunction: { b: [2] }, other: { b: [2] } });
    expect(() => inInit(() => new M(5 as unknown as string))).toThrow("`hk.toModule` returns a class not an object");
  });
});

describe("interceptMethods", () => {
  it("sees every method call with its real name and can change arguments and results", () => {
    const seen: string[] = [];
    const f = hk.transform((x: tf.Tensor) =>
      hk.interceptMethods(
        (next, args, ctx) => {
          seen.push(`${(ctx.module as hk.Module).moduleName}.${ctx.methodName}`);
          const out = next(...args.map((a) => (a instanceof tf.Tensor ? tf.mul(a, 2) : a)));
          return out;
        },
        () => new Linear(1).call(x),
      ),
    );
    const p = f.init(null, tf.ones([1, 2]));
    const y = f.apply(p, null, tf.ones([1, 2]));
    expect(Array.from(y.dataSync())).toEqual([4]);
    expect(seen).toEqual(["linear.call", "linear.call"]);
  });
});
