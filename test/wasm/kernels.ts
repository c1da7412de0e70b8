// Every hand-assembled WebAssembly module of the project, with the imports it needs, for the
// tests that check all of them (size limit, .wat snapshots). A new kernel goes here.
import { fileURLToPath } from "node:url";
import wabt from "wabt";

import { adamKernelBytes } from "../../src/wasm/adam.js";
import { heapKernelBytes } from "../../src/wasm/heap_loops.js";
import { kernelBytes } from "../../src/wasm/threefry.js";

// The project's lib settings carry no WebAssembly typings; describe what is used.
export const WA = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (d: { initial: number }) => object; validate(b: Uint8Array): boolean };
  }
).WebAssembly;

/** A kernel module: its name (also its .wat file's name), builder, and the imports it needs. */
export interface KernelModule {
  name: string;
  bytes: () => Uint8Array;
  imports: () => object;
}

const backendMemory = () => ({ env: { memory: new WA.Memory({ initial: 1 }) } });

export const KERNEL_MODULES: KernelModule[] = [
  { name: "threefry", bytes: kernelBytes, imports: () => ({}) },
  { name: "adam", bytes: adamKernelBytes, imports: backendMemory },
  { name: "heap_loops", bytes: heapKernelBytes, imports: backendMemory },
];

/** The module as wabt's wasm2wat prints it, with the function and local names of its `name` section. */
export async function toWat(bytes: Uint8Array): Promise<string> {
  const module = (await wabt()).readWasm(bytes, { readDebugNames: true, simd: true });
  try {
    module.applyNames();
    return module.toText({ foldExprs: false, inlineExport: false });
  } finally {
    module.destroy();
  }
}

/** Where a kernel's committed text form lives. */
export function watPath(name: string): string {
  return fileURLToPath(new URL(`../../src/wasm/wat/${name}.wat`, import.meta.url));
}
