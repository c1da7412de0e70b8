import * as tf from "@tensorflow/tfjs-core";
import { describe } from "../util/describe.js";
import { BackendError, InvalidArgumentError } from "../util/errors.js";
import { existingBackend, wrapBackendFactory } from "../util/tfjs_internals.js";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installWasmKernels } from "./kernels/install.js";
import { silenceCpuNodeBanner } from "./quiet_cpu.js";

/** The backends {@link ready} can select. @category Runtime */
export type BackendName = "wasm" | "webgl" | "webgpu" | "cpu";

/**
 * Options of {@link ready}.
 *
 * @category Runtime
 */
export interface ReadyOptions {
  /**
   * The backend to use. Without it `ready` keeps a backend already selected with
   * `tf.setBackend` before it, or else selects wasm and falls back to cpu (with a warning) when
   * wasm cannot start. `"webgl"` and `"webgpu"` need their package imported first
   * (`import "@tensorflow/tfjs-backend-webgl"`).
   */
  backend?: BackendName;
  /**
   * Where the browser finds tfjs-backend-wasm's `.wasm` files, as `setWasmPaths` of
   * `@tensorflow/tfjs-backend-wasm` takes it: a URL prefix ending in `/` (`"/wasm/"`), or a map
   * from each of `tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm` and
   * `tfjs-backend-wasm-threaded-simd.wasm` to its URL. Must be given before the wasm backend
   * starts (the first `ready` call). Not needed in Node.
   */
  wasmPaths?: string | Partial<Record<WasmBinaryName, string>>;
}

/** The three builds of tfjs-backend-wasm. @category Runtime */
export type WasmBinaryName =
  "tfjs-backend-wasm.wasm" | "tfjs-backend-wasm-simd.wasm" | "tfjs-backend-wasm-threaded-simd.wasm";

/**
 * What {@link ready} selected.
 *
 * @category Runtime
 */
export interface ReadyInfo {
  /** The active backend, as `tf.getBackend()` reports it. */
  backend: string;
  /** How it was chosen: asked for in `options.backend`, kept from an earlier `tf.setBackend`, the default (wasm), or the cpu fallback. */
  chosenBy: "option" | "user" | "default" | "fallback";
  /** Why wasm could not start, when `chosenBy` is `"fallback"`. */
  fallbackReason?: string;
  /** Details of the wasm backend, when it is the active one. */
  wasm?: WasmInfo;
}

/**
 * Which tfjs-backend-wasm build runs (see {@link ReadyInfo}).
 *
 * @category Runtime
 */
export interface WasmInfo {
  /** Which `.wasm` file was loaded: multi-threaded SIMD, SIMD, or plain. */
  build: "threaded-simd" | "simd" | "plain";
  /** XNNPACK's thread count (1 unless the threaded build runs). */
  threads: number;
  /**
   * Whether the page is cross-origin isolated (COOP/COEP headers), which browsers require for
   * the `SharedArrayBuffer` the threaded build needs; always false in Node.
   */
  crossOriginIsolated: boolean;
}

let readyPromise: Promise<ReadyInfo> | undefined;
let fallbackWarned = false;
/** The error the wasm backend's factory threw, if it did. */
let wasmStartError: unknown;

type Listener = (...args: unknown[]) => void;
interface ProcessEvents {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): unknown;
}
const PROCESS_EVENTS = ["uncaughtException", "unhandledRejection"];

// The Emscripten glue of tfjs-backend-wasm installs process handlers that rethrow every uncaught
// error from inside its minified bundle, so Node prints a 10 kB line of wasm glue instead of the
// error's own source line. They serve no purpose for the backend; remove the ones it added.
async function withoutEmscriptenHandlers<T>(init: () => Promise<T>): Promise<T> {
  const proc = (globalThis as { process?: ProcessEvents }).process;
  if (proc?.listeners === undefined) return init();
  const before = PROCESS_EVENTS.map((e) => new Set(proc.listeners(e)));
  try {
    return await init();
  } finally {
    PROCESS_EVENTS.forEach((e, i) => {
      for (const l of proc.listeners(e)) {
        if (!before[i]!.has(l) && /ExitStatus|throw reason/.test(String(l))) {
          proc.removeListener(e, l);
        }
      }
    });
  }
}

function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e !== null && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") {
    return (e as { message: string }).message;
  }
  return String(e);
}

/**
 * tfjs' `setBackend` turns a failed start into `false` and hides the error (it only logs it,
 * and not at all in prod mode); wrap the wasm factory once to keep the reason for the warning.
 */
function recordWasmStartErrors(): void {
  if (existingBackend("wasm") !== undefined) return;
  wrapBackendFactory("wasm", Symbol.for("haiku-tfjs.runtime.recordWasmStartErrors"), (factory) => async () => {
    try {
      return await factory();
    } catch (e) {
      wasmStartError = e;
      throw e;
    }
  });
}

async function startWasm(): Promise<boolean> {
  recordWasmStartErrors();
  wasmStartError = undefined;
  try {
    return await withoutEmscriptenHandlers(() => tf.setBackend("wasm"));
  } catch (e) {
    wasmStartError ??= e;
    return false;
  }
}

async function registerCpu(): Promise<void> {
  // A separate chunk for bundlers, loaded only when the cpu backend is asked for or needed.
  // `#tfjs-backend-cpu` (package.json "imports") is the package itself in Node and its one-file
  // ESM build in bundlers: that chunk then shares nothing but tfjs-core with the main bundle,
  // whereas the package's many files would pull the cpu kernels tfjs-backend-wasm also imports
  // into a chunk loaded at start-up.
  if (tf.findBackendFactory("cpu") == null) await import("#tfjs-backend-cpu");
  silenceCpuNodeBanner();
  // The cpu kernels registered just now get the runtime's fixes (empty reductions, pooling and
  // resize gradients), as those registered before the runtime loaded did.
  installWasmKernels();
}

async function select(name: BackendName): Promise<boolean> {
  if (name === "wasm") return startWasm();
  if (name === "cpu") await registerCpu();
  if (tf.findBackendFactory(name) == null) {
    throw new BackendError(
      `hk.ready({ backend: "${name}" })`,
      `\`backend\` "${name}" is not registered`,
      `\`import "@tensorflow/tfjs-backend-${name}";\` before calling ready() (and install that package).`,
    );
  }
  return tf.setBackend(name);
}

/** The `wasmPaths` given to ready(), for error messages. */
let givenWasmPaths: ReadyOptions["wasmPaths"];

function wasmFixHint(): string {
  if (givenWasmPaths !== undefined) {
    return (
      `check that \`wasmPaths\` (${JSON.stringify(givenWasmPaths)}) points at tfjs-backend-wasm's ` +
      "dist/*.wasm files as they are served"
    );
  }
  return isNode()
    ? "check that @tensorflow/tfjs-backend-wasm is installed with its dist/*.wasm files"
    : "serve tfjs-backend-wasm's dist/*.wasm files with your page and say where: " +
        '`await hk.ready({ wasmPaths: "/wasm/" })` (see docs/guides/browser.md)';
}

async function fallBackToCpu(): Promise<string> {
  const reason = wasmStartError === undefined ? 'tf.setBackend("wasm") returned false' : messageOf(wasmStartError);
  await registerCpu();
  if (!(await tf.setBackend("cpu"))) {
    throw new BackendError(
      "hk.ready()",
      `neither the wasm backend (${reason}) nor the cpu backend could start`,
      `${wasmFixHint()}; and install @tensorflow/tfjs-backend-cpu.`,
    );
  }
  if (!fallbackWarned) {
    fallbackWarned = true;
    console.warn(
      `haiku-tfjs ready(): the wasm backend could not start (${reason}), so computations run on ` +
        `the much slower cpu backend. Fix: ${wasmFixHint()}; or choose a backend: ` +
        '`hk.ready({ backend: "webgl" })`.',
    );
  }
  return reason;
}

async function wasmInfo(): Promise<WasmInfo> {
  const env = tf.env();
  const [simd, threaded] = await Promise.all([
    env.getAsync("WASM_HAS_SIMD_SUPPORT") as Promise<boolean>,
    env.getAsync("WASM_HAS_MULTITHREAD_SUPPORT") as Promise<boolean>,
  ]);
  let threads = 1;
  try {
    threads = getThreadsCount();
  } catch {
    // The backend reports no count before it is initialised; it is initialised here.
  }
  return {
    // tfjs-backend-wasm's init() loads the threaded file exactly when both flags hold.
    build: simd && threaded ? "threaded-simd" : simd ? "simd" : "plain",
    threads,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
}

async function describeBackend(chosenBy: ReadyInfo["chosenBy"], fallbackReason?: string): Promise<ReadyInfo> {
  const backend = tf.getBackend();
  const info: ReadyInfo = { backend, chosenBy };
  if (fallbackReason !== undefined) info.fallbackReason = fallbackReason;
  if (backend === "wasm") info.wasm = await wasmInfo();
  return info;
}

function checkOptions(options: unknown): ReadyOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") {
    throw new InvalidArgumentError(
      "hk.ready(options)",
      `\`options\` must be an object like { backend: "wasm" }, got ${describe(options)}`,
      'pass an object such as { backend: "wasm" }, or nothing.',
    );
  }
  const { backend } = options as ReadyOptions;
  if (backend !== undefined && !["wasm", "webgl", "webgpu", "cpu"].includes(backend)) {
    throw new InvalidArgumentError(
      "hk.ready(options)",
      `\`backend\` must be "wasm", "webgl", "webgpu" or "cpu", got ${describe(backend)}`,
      'pick one of "wasm", "webgl", "webgpu" or "cpu", or leave `backend` out to use wasm.',
    );
  }
  return options as ReadyOptions;
}

async function start(options: ReadyOptions): Promise<ReadyInfo> {
  if (options.wasmPaths !== undefined) {
    givenWasmPaths = options.wasmPaths;
    setWasmPaths(options.wasmPaths as Parameters<typeof setWasmPaths>[0]);
  }
  // In Node the cpu backend stays registered for comparisons (`tf.setBackend("cpu")`); bundle
  // size does not matter there.
  if (isNode()) await registerCpu();
  let result: ReadyInfo;
  if (options.backend !== undefined) {
    if (!(await select(options.backend))) {
      const why = options.backend === "wasm" && wasmStartError !== undefined ? `: ${messageOf(wasmStartError)}` : "";
      throw new BackendError(
        `hk.ready({ backend: "${options.backend}" })`,
        `the ${options.backend} backend could not start${why}`,
        options.backend === "wasm" ? `${wasmFixHint()}.` : "pick another backend, or leave `backend` out to use wasm.",
      );
    }
    result = await describeBackend("option");
  } else if (tf.getBackend() != null) {
    // Selected by the user with `tf.setBackend(...)` before ready(): never overridden. (tfjs
    // never selects one by itself while wasm, the highest-priority backend, is uninitialised.)
    await tf.ready();
    result = await describeBackend("user");
  } else if (await startWasm()) {
    result = await describeBackend("default");
  } else {
    result = await describeBackend("fallback", await fallBackToCpu());
  }
  await tf.ready();
  return result;
}

/**
 * Initialises the backend and resolves with what was selected; call it once before the first
 * computation. By default it selects **wasm** (XNNPACK, SIMD; the multi-threaded build in a
 * cross-origin-isolated page) and falls back to **cpu** with a one-time `console.warn` that says
 * why, if wasm cannot start. It never overrides a backend selected with `tf.setBackend` before
 * it. In a browser, pass `wasmPaths` (where the `.wasm` files are served) on the first call.
 *
 * Later calls without options return the first call's promise; a later call with `backend`
 * switches to it.
 *
 * Importing `haiku-tfjs` already registers the wasm backend and its kernel fixes (see the
 * README's runtime section); tfjs' gradients come with the APIs that take gradients. In Node, `ready` also registers the cpu backend for
 * comparisons (`tf.setBackend("cpu")`); in browsers the cpu backend is loaded only when asked
 * for or needed as the fallback.
 *
 * @example
 * ```ts browser
 * import * as hk from "haiku-tfjs";
 * const info = await hk.ready({ wasmPaths: "/wasm/" });
 * console.log(info.backend, info.wasm?.build); // "wasm" "threaded-simd" with COOP/COEP headers
 * ```
 *
 * @category Runtime
 */
export function ready(options?: ReadyOptions): Promise<ReadyInfo> {
  const opts = checkOptions(options);
  if (readyPromise === undefined) {
    readyPromise = start(opts);
    // A failed start may be retried (e.g. with other options).
    readyPromise.catch(() => {
      readyPromise = undefined;
    });
    return readyPromise;
  }
  if (opts.wasmPaths !== undefined && existingBackend("wasm") !== undefined) {
    return Promise.reject(
      new BackendError(
        "hk.ready({ wasmPaths })",
        "the wasm backend has already started, so its file locations (`wasmPaths`) can no longer change",
        "pass `wasmPaths` to the first ready() call.",
      ),
    );
  }
  if (opts.backend === undefined) return readyPromise;
  const backend = opts.backend;
  return readyPromise.then((first) => (tf.getBackend() === backend && first.backend === backend ? first : start(opts)));
}
