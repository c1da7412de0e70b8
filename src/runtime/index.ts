import "./backend.js";
import { silenceCpuNodeBanner } from "./quiet_cpu.js";
import { installWasmKernels } from "./kernels/install.js";

export { ready } from "./backend.js";
export type { BackendName, ReadyInfo, ReadyOptions, WasmBinaryName, WasmInfo } from "./backend.js";
export { installWasmKernels } from "./kernels/install.js";
export { installMatMulGradient } from "./gradients.js";
export { installTapeCleanup } from "./gradient_tape.js";
export { silenceCpuNodeBanner } from "./quiet_cpu.js";

installWasmKernels();
silenceCpuNodeBanner();
