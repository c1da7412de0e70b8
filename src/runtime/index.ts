import "./backend.js";
import { installWasmKernels } from "./kernels/install.js";

export { ready } from "./backend.js";
export type { BackendName, ReadyInfo, ReadyOptions, WasmBinaryName, WasmInfo } from "./backend.js";
export { installWasmKernels } from "./kernels/install.js";
export { installMatMulGradient } from "./gradients.js";

installWasmKernels();
