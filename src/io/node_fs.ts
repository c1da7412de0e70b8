/**
 * Node's `fs/promises` and `path`, imported lazily through computed specifiers, so bundling the
 * in-memory reader and writer for a browser never pulls in (or chokes on) them.
 *
 * @module
 */
import type * as FsPromises from "node:fs/promises";
import type * as NodePath from "node:path";
import { CheckpointError } from "../util/errors.js";

const FS_MODULE = "node:fs/promises";
const PATH_MODULE = "node:path";

async function load<T>(specifier: string, where: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as T;
  } catch {
    throw new CheckpointError(
      where,
      "needs Node's fs (not available here)",
      "in a browser use hk.io.serialize / hk.io.deserialize on bytes.",
    );
  }
}

/** `node:fs/promises`, or an error naming `where` outside Node. */
export function nodeFs(where: string): Promise<typeof FsPromises> {
  return load<typeof FsPromises>(FS_MODULE, where);
}

/** `node:path`, or an error naming `where` outside Node. */
export function nodePath(where: string): Promise<typeof NodePath> {
  return load<typeof NodePath>(PATH_MODULE, where);
}

/** Errors from `fs` carry a `code` such as `ENOENT`. */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
