// Writes each hand-assembled WebAssembly kernel's text form to src/wasm/wat/<kernel>.wat
// (`npm run wasm:wat`); test/wasm/wat_snapshot.test.ts checks the committed files are current.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { KERNEL_MODULES, toWat, watPath } from "../test/wasm/kernels.js";

for (const { name, bytes } of KERNEL_MODULES) {
  const file = watPath(name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, await toWat(bytes()));
  console.log(`wrote src/wasm/wat/${name}.wat`);
}
