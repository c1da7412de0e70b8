/**
 * Backend set-up: where the wasm binaries are served from, which backend runs (`?backend=`), and
 * which wasm build the browser actually loaded.
 */
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

/** Where Vite put tfjs-backend-wasm's three binaries (hashed asset URLs). */
const WASM_PATHS = {
  "tfjs-backend-wasm.wasm": plainWasm,
  "tfjs-backend-wasm-simd.wasm": simdWasm,
  "tfjs-backend-wasm-threaded-simd.wasm": threadedSimdWasm,
};

/**
 * Starts the requested backend (wasm unless `?backend=` says otherwise) with `hk.ready`, which
 * is told where the wasm binaries are (without that the browser looks for them next to the page,
 * fails, and tfjs falls back to cpu), and reports what runs.
 */
export async function startBackend(requested: BackendName): Promise<BackendInfo> {
  if (requested === "webgl") await import("@tensorflow/tfjs-backend-webgl");
  let info: hk.ReadyInfo;
  let note = "";
  try {
    info = await hk.ready({ backend: requested, wasmPaths: WASM_PATHS });
  } catch (e) {
    // Only webgl can be missing here (no GPU, or blocked): wasm then runs, as the page says.
    note = `${requested} is not available in this browser (${e instanceof Error ? e.message : String(e)}); running on wasm`;
    info = await hk.ready({ backend: "wasm", wasmPaths: WASM_PATHS });
  }
  if (info.chosenBy === "fallback")
    note = `the wasm backend could not start (${info.fallbackReason ?? "unknown"}); running on cpu`;
  return {
    requested,
    backend: info.backend,
    wasmFlavour: info.wasm?.build ?? "",
    threads: info.wasm?.threads ?? 0,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    note,
  };
}
