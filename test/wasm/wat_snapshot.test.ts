// Each kernel's text form is committed under src/wasm/wat/, so a change to a kernel's
// instructions shows in review as a readable diff of the .wat (written by `npm run wasm:wat`,
// tools/wasm_wat.ts).
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { KERNEL_MODULES, toWat, watPath } from "./kernels.js";

const REGENERATE = "Fix: if the change is intended, run `npm run wasm:wat` and commit the .wat diff.";

describe("kernel .wat snapshots (src/wasm/wat)", () => {
  for (const { name, bytes } of KERNEL_MODULES) {
    it(`${name}.wat matches the module the kernel builds`, async () => {
      const file = watPath(name);
      expect(existsSync(file), `src/wasm/wat/${name}.wat is missing. ${REGENERATE}`).toBe(true);
      expect(await toWat(bytes()), `the ${name} kernel differs from src/wasm/wat/${name}.wat. ${REGENERATE}`).toBe(
        readFileSync(file, "utf8"),
      );
    });
  }

  it("names every function, parameter and local, so the text reads `local.get $ptr`", async () => {
    for (const { bytes } of KERNEL_MODULES) expect(await toWat(bytes())).not.toMatch(/local\.(get|set|tee) \d/);
    const threefry = await toWat(KERNEL_MODULES.find((k) => k.name === "threefry")!.bytes());
    expect(threefry).toContain(
      "(func $bits (type 0) (param $k0 i32) (param $k1 i32) (param $start i32) (param $n i32)",
    );
    expect(threefry).toContain("local.get $ptr");
  });
});
