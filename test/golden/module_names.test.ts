// Every library module class carries its Haiku default name explicitly, so names survive
// bundlers and minifiers (which rename classes). Fixture: tools/golden/module_names.py, Haiku's
// own `utils.camel_to_snake(type(self).__name__)` (haiku/_src/module.py, Module.__init__) over
// every hk.Module subclass in haiku/_src and haiku/_src/nets.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";
import { isRegisteredModuleClass } from "../../src/core/module.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/module_names.json", import.meta.url), "utf8")) as {
  names: Record<string, string>;
};

/** Registered module classes exported by the package (top level and its namespaces). */
function exportedModuleClasses(): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const visit = (ns: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(ns)) {
      if (isRegisteredModuleClass(value)) found.set(prefix + key, value);
      else if (value !== null && typeof value === "object" && prefix === "")
        visit(value as Record<string, unknown>, `${key}.`);
    }
  };
  visit(hk as unknown as Record<string, unknown>, "");
  return found;
}

describe("library module names", () => {
  const classes = exportedModuleClasses();

  it("finds the library's module classes", () => {
    for (const name of [
      "Linear",
      "Conv2D",
      "BatchNorm",
      "LayerNorm",
      "nets.MLP",
      "nets.ResNet50",
      "MultiHeadAttention",
      "LSTM",
    ]) {
      expect(classes.has(name), name).toBe(true);
    }
    expect(classes.size).toBeGreaterThan(45);
  });

  it("gives every exported module class an explicit default name equal to Haiku's", () => {
    const checked: string[] = [];
    for (const [exportName, cls] of classes) {
      const jsName = (cls as { name: string }).name;
      const info = hk.moduleDefaultName(cls)!;
      // Explicit: a string literal in the source, not the class's (renameable) Function.name.
      expect(info.source, exportName).toBe("explicit");
      // Today's unbundled names (the snake-cased class name) are the truth.
      expect(info.name, exportName).toBe(hk.camelToSnake(jsName));
      const haiku = fixture.names[jsName];
      if (haiku !== undefined) {
        expect(info.name, exportName).toBe(haiku);
        checked.push(jsName);
      }
    }
    // The classes both libraries have, checked against Haiku's own names.
    for (const name of [
      "Conv2D",
      "Conv2DTranspose",
      "ConvNDLSTM",
      "BatchNorm",
      "MLP",
      "LayerNorm",
      "MultiHeadAttention",
      "VanillaRNN",
      "LSTM",
      "GRU",
      "ResNet50",
      "BlockV1",
      "EMAParamsTree",
      "SNParamsTree",
      "RMSNorm",
      "SeparableDepthwiseConv2D",
    ]) {
      expect(checked, name).toContain(name);
    }
  });
});
