/**
 * Vite config of the browser demo: `npm run demo` (dev server) and `npm run demo:build`.
 * The page imports the library from source (`haiku-tfjs` -> src/index.ts, as tsconfig's paths).
 */
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { mnistDigits } from "./mnist_asset.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available, which tfjs-backend-wasm
// needs for its threaded SIMD build; without these headers it falls back to single-threaded SIMD.
const crossOriginIsolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/**
 * The package's `sideEffects` lists the set-up modules as built files (dist/runtime, dist/index.js,
 * dist/keras), so a build that takes the library from src/, as this demo does, would tree-shake
 * away the runtime set-up imports (wasm kernel fixes, gradients): mark the same modules in src/.
 */
function librarySourceSideEffects(): Plugin {
  const src = here("../../src/");
  const setUp = /^(runtime\/.*|index|keras\/[^/]*)\.ts$/;
  return {
    name: "haiku-demo-library-source-side-effects",
    transform(_code, id) {
      return id.startsWith(src) && setUp.test(id.slice(src.length)) ? { moduleSideEffects: true } : null;
    },
  };
}

export default defineConfig({
  root: here("."),
  base: "./",
  publicDir: false,
  resolve: {
    alias: [
      { find: /^haiku-tfjs$/, replacement: here("../../src/index.ts") },
      { find: /^haiku-tfjs\/keras$/, replacement: here("../../src/keras/index.ts") },
    ],
  },
  plugins: [mnistDigits(), librarySourceSideEffects()],
  server: { host: "127.0.0.1", headers: crossOriginIsolation },
  preview: { host: "127.0.0.1", headers: crossOriginIsolation },
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    target: "es2022",
    // tfjs-core + the wasm glue are one large chunk by nature.
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // Mangle, but do not compress: tfjs-backend-wasm starts its threads from the source text of
        // its Emscripten factory (`factory.toString()` in a Blob), where a guarded
        // `typeof _scriptDir !== "undefined" && _scriptDir` must stay guarded; the compressor folds
        // it to a bare reference that throws "ReferenceError: e is not defined" in every worker.
        minify: { compress: false, mangle: true },
      },
    },
  },
});
