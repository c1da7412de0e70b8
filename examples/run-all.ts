/**
 * Runs every example in its own process (`npm run examples:quick` passes `--quick`, as CI does)
 * and exits non-zero if any of them fails.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const EXAMPLES = [
  "quickstart.ts",
  "mnist.ts",
  "mnist.ts --keras",
  "signatures.ts",
  "wrapper_two_inputs.ts",
  "batch_norm_state.ts",
  "lstm_sequence.ts",
  "mlp_regression.ts",
  "load_haiku_params.ts",
  "char_transformer.ts",
  "vae.ts",
];

const extra = process.argv.slice(2);
let failed = 0;
for (const entry of EXAMPLES) {
  const [file, ...args] = entry.split(" ");
  const t0 = performance.now();
  const res = spawnSync("npx", ["tsx", join(here, file!), ...args, ...extra], { stdio: "inherit" });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (res.status === 0) console.log(`example ok: ${entry} (${secs}s)`);
  else {
    failed++;
    console.log(`example FAILED: ${entry} (exit ${res.status}, ${secs}s)`);
  }
}
console.log(`examples: ${EXAMPLES.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
