/**
 * Checkpoints in the safetensors format, named as Haiku names parameters (`mlp/~/linear_0/w`),
 * so params move between Python Haiku and here: {@link serialize} / {@link deserialize} on bytes
 * (browser-safe), {@link saveParams} / {@link loadParams} on files (Node), a hardened
 * {@link readHeader}, and {@link checkParams} / {@link assertParamsMatch} to compare a loaded
 * tree with a model.
 *
 * @module
 * @category Training
 */
export { serialize, deserialize } from "./serialize.js";
export type { LoadedParams, SerializeOptions } from "./serialize.js";
export { saveParams, loadParams, loadHeader } from "./files.js";
export { readHeader, MAX_HEADER_BYTES, MAX_HEADER_DEPTH, MAX_TENSORS } from "./header.js";
export type { SafetensorsHeader, TensorEntry } from "./header.js";
export { LOADABLE_DTYPES } from "./dtypes.js";
export type { SafetensorsDtype } from "./dtypes.js";
export { TREE_METADATA_KEY } from "./names.js";
export { checkParams, assertParamsMatch } from "./check.js";
export type { ParamsCheck, ParamsMismatch, ShapeLeaf } from "./check.js";
