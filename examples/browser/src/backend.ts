/**
 * Backend set-up: where the wasm binaries are served from, which backend runs (`?backend=`), and
 * which wasm build the browser actually loaded.
 */
import * as tf from "@tensorflow/tfjs-core";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as hk from "haiku-tfjs";
import plainWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import simdWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import threadedSimdWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";

/** The backends the page offers. */
export const BACKENDS = ["wasm", "webgl", "cpu"] as const;
/** One of {@link BACKENDS}. */
export type BackendName = (typeof BACKENDS)[number];

/** What runs: the backend, and for wasm the build the browser fetched and its thread count. */
export interface BackendInfo {
  requested: BackendName;
  backend: string;
  /** "threaded-simd", "simd" or "plain" for wasm (from the .wasm file fetched); "" otherwise. */
  wasmFlavour: string;
  threads: number;
  crossOriginIsolated: boolean;
  /** Why the requested backend is not the one running, or "". */
  note: string;
}

/**
 * Tells tfjs-backend-wasm where Vite put its three binaries (hashed asset URLs); without this the
 * browser looks for them next to the page, fails, and tfjs falls back to the cpu backend.
 */
function serveWasmBinaries(): void {
  // hk.ready({ wasmPaths }) once merged
  setWasmPaths({
    "tfjs-backend-wasm.wasm": plainWasm,
    "tfjs-backend-wasm-simd.wasm": simdWasm,
    "tfjs-backend-wasm-threaded-simd.wasm": threadedSimdWasm,
  });
}

function fetchedWasmFlavour(): string {
  const names = performance.getEntriesByType("resource").map((e) => e.name);
  const file = names.find((n) => n.includes("tfjs-backend-wasm") && n.endsWith(".wasm")) ?? "";
  if (file.includes("threaded-simd")) return "threaded-simd";
  if (file.includes("-simd")) return "simd";
  return file === "" ? "" : "plain";
}

/** Starts the requested backend (wasm unless `?backend=` says otherwise) and reports what runs. */
export async function startBackend(requested: BackendName): Promise<BackendInfo> {
  serveWasmBinaries();
  await hk.ready();
  let note = "";
  if (requested === "webgl") {
    await import("@tensorflow/tfjs-backend-webgl");
    const ok = await tf.setBackend("webgl").catch(() => false);
    if (!ok) {
      note = "webgl is not available in this browser; running on wasm";
      await tf.setBackend("wasm");
    }
  } else if (requested === "cpu") {
    await tf.setBackend("cpu");
  }
  await tf.ready();
  const backend = tf.getBackend();
  if (requested === "wasm" && backend !== "wasm") note = "the wasm backend could not start; running on cpu";
  const onWasm = backend === "wasm";
  return {
    requested,
    backend,
    wasmFlavour: onWasm ? fetchedWasmFlavour() : "",
    threads: onWasm ? getThreadsCount() : 0,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    note,
  };
}
