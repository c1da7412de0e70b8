/**
 * The haiku-tfjs the benchmarks measure: the built package (`dist/`, plain JavaScript, as users
 * get it from npm) when it exists, else the TypeScript sources (run through tsx, whose
 * transpilation adds a little per-call JS overhead). `npm run bench` builds first.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type * as HaikuTfjs from "../src/index.js";
import type * as HaikuTfjsKeras from "../src/keras/index.js";

const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/** Which build is measured, for the report. */
export const measuredBuild: "dist" | "src" = existsSync(dist) ? "dist" : "src";

/** `haiku-tfjs`. */
export const hk: typeof HaikuTfjs =
  measuredBuild === "dist" ? await import("../dist/index.js" as string) : await import("../src/index.js");

/** `haiku-tfjs/keras`. */
export const keras: typeof HaikuTfjsKeras =
  measuredBuild === "dist" ? await import("../dist/keras/index.js" as string) : await import("../src/keras/index.js");

/** Loads only the runtime set-up (the "runtime fixes" under hand-written code), gradients included. */
export async function loadRuntime(): Promise<void> {
  if (measuredBuild === "dist") {
    await import("../dist/runtime/index.js" as string);
    await import("../dist/runtime/training.js" as string);
  } else {
    await import("../src/runtime/index.js");
    await import("../src/runtime/training.js");
  }
}
