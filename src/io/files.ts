/**
 * Node file helpers: {@link saveParams}, {@link loadParams}, {@link loadHeader}.
 *
 * @module
 */
import type * as FsPromises from "node:fs/promises";
import { writeFileAtomic } from "./atomic_write.js";
import { parseHeaderBytes, readHeaderLength, type SafetensorsHeader } from "./header.js";
import { nodeFs } from "./node_fs.js";
import { ioError, readAllEntries, readExactly } from "./read_entries.js";
import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";
import { buildTree, checkLoadable, serializeIn, type LoadedParams, type SerializeOptions } from "./serialize.js";

function checkPath(path: unknown, where: string): string {
  if (typeof path !== "string" || path.length === 0) {
    throw new InvalidArgumentError(
      where,
      `\`path\` must be a non-empty string, got ${describe(path)}`,
      'pass a file path such as "params.safetensors".',
    );
  }
  return path;
}

/** Opens `path`, validates the header, and hands the open file to `body`. */
async function withHeader<R>(
  path: string,
  where: string,
  body: (fh: FsPromises.FileHandle, header: SafetensorsHeader) => Promise<R>,
): Promise<R> {
  const fs = await nodeFs(where);
  let fh: FsPromises.FileHandle;
  try {
    fh = await fs.open(path, "r");
  } catch (e) {
    throw ioError(where, "open the file", e);
  }
  try {
    let size: number;
    try {
      size = (await fh.stat()).size;
    } catch (e) {
      throw ioError(where, "stat the file", e);
    }
    const prefix = await readExactly(fh, Math.min(8, size), 0, where);
    const n = readHeaderLength(prefix, size, where);
    const headerBytes = await readExactly(fh, n, 8, where);
    const header = parseHeaderBytes(headerBytes, size - 8 - n, where);
    return await body(fh, header);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Saves a params (or state) tree to a safetensors file (Node only). Writes a sibling temporary
 * file and renames it over `path`, so an existing checkpoint is never left half-written.
 *
 * @param path - the file to write, e.g. `"params.safetensors"`.
 * @param tree - params or state, with tf.Tensor leaves (see {@link serialize}).
 * @param options - optional `metadata` strings.
 * @example
 * ```ts
 * await hk.io.saveParams("params.safetensors", params, { metadata: { step: String(step) } });
 * ```
 */
export async function saveParams(
  path: string,
  tree: Readonly<Record<string, unknown>>,
  options: SerializeOptions = {},
): Promise<void> {
  const where = `hk.io.saveParams(${JSON.stringify(path)})`;
  checkPath(path, "hk.io.saveParams");
  const bytes = serializeIn(tree, options, where);
  await writeFileAtomic(path, bytes, where);
}

/**
 * Loads a safetensors file (Node only) into a params (or state) tree, e.g. one exported from
 * Python Haiku. The header is read and validated before the data is read; see
 * {@link deserialize} for dtypes, naming and ownership.
 *
 * @typeParam T - the tree's type; not checked, use {@link assertParamsMatch} against a model.
 * @param path - the file to read.
 * @returns the deep-frozen tree.
 * @example
 * ```ts
 * const params = await hk.io.loadParams("params.safetensors");
 * hk.io.assertParamsMatch(params, net.init(hk.random.key(0), x));
 * ```
 */
export async function loadParams<T extends object = LoadedParams>(path: string): Promise<T> {
  const where = `hk.io.loadParams(${JSON.stringify(path)})`;
  checkPath(path, "hk.io.loadParams");
  return withHeader(path, where, async (fh, header) => {
    checkLoadable(header, where);
    return buildTree(header, await readAllEntries(fh, header, where), where) as T;
  });
}

/**
 * Reads and validates only the header of a safetensors file (Node only): names, dtypes, shapes
 * and `__metadata__`, without reading the tensor data.
 *
 * @param path - the file to read.
 * @returns the validated header.
 * @example
 * ```ts
 * const { metadata } = await hk.io.loadHeader("examples/data/haiku_mlp.safetensors");
 * ```
 */
export async function loadHeader(path: string): Promise<SafetensorsHeader> {
  const where = `hk.io.loadHeader(${JSON.stringify(path)})`;
  checkPath(path, "hk.io.loadHeader");
  return withHeader(path, where, async (_fh, header) => header);
}
