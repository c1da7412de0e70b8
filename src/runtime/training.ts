/**
 * Gradient support, registered as a side effect of importing this module: tfjs' gradient
 * functions, the runtime's fix of `BatchMatMul`'s gradient, the tape clean-up that frees a
 * failed backward pass's saved tensors, and the wasm (and cpu) gradient kernels the runtime fills
 * in or fixes.
 *
 * tfjs-core registers no gradients by itself. `#tfjs-gradients` (package.json "imports") is
 * tfjs-core's own `dist/register_all_gradients.js` in bundlers and browsers, and tfjs-layers in
 * Node, whose CommonJS bundle registers the same gradients (tfjs-core's ESM files use
 * extensionless imports that Node cannot load). The modules that take gradients
 * (`hk.valueAndGrad`, `hk.grad`, `hk.optim`, `haiku-tfjs/keras`) import this one, so a bundle that
 * never takes a gradient (inference only) does not carry tfjs' ~35 KB of gradient code.
 *
 * @internal
 * @module
 */
import "#tfjs-gradients";
import { installTapeCleanup } from "./gradient_tape.js";
import { installMatMulGradient } from "./gradients.js";
import { GRADIENT_KERNEL_FIXES } from "./kernels/gradient_kernels.js";
import { addKernelFixes } from "./kernels/install.js";

installMatMulGradient();
installTapeCleanup();
addKernelFixes(GRADIENT_KERNEL_FIXES);
