/**
 * Replacing a file atomically and durably, without changing what the path is.
 *
 * - Atomic: the bytes go to a temporary file in the destination's directory, which is renamed
 *   over the destination, so readers see the old file or the new one, never a mix.
 * - Durable: the temporary file is fsynced before the rename and the directory after it (where
 *   the platform can fsync a directory), so a crash does not leave an empty or missing file.
 * - Faithful: an existing file keeps its permission bits (a 0600 checkpoint stays 0600); a new
 *   one gets 0666 minus the umask, as any other writer. A symlink at the path is followed (to the
 *   end of a chain, also when dangling) and its target is replaced, so the link stays a link, as
 *   with Python's `safetensors.save_file` (which opens the path for writing).
 * - Tidy: the temporary name is short (independent of the destination's length, so any legal
 *   name works) and recognisable (`.haiku-tfjs-<random>.tmp`); it is removed on any failure. Only
 *   a killed process can leave one behind; it is safe to delete.
 *
 * @module
 */
import type { Stats } from "node:fs";
import type * as FsPromises from "node:fs/promises";
import type * as NodePath from "node:path";
import { CheckpointError } from "../util/errors.js";
import { errorCode, nodeFs, nodePath } from "./node_fs.js";

/** Largest single write (Node aborts on a write above 2^31 - 1 bytes). */
const CHUNK_BYTES = 64 * 2 ** 20;

/** Symlink hops followed before giving up (Linux's own limit, `MAXSYMLINKS`, is 40). */
const MAX_LINKS = 40;

/** The prefix of every temporary file this module makes. */
const TEMP_PREFIX = ".haiku-tfjs-";

type Fs = typeof FsPromises;

/** Follows symlinks at `path` to the file that should be replaced (which may not exist yet). */
async function resolveTarget(
  fs: Fs,
  path: typeof NodePath,
  file: string,
  fail: (what: string, e: unknown, fix?: string) => Error,
): Promise<string> {
  let current = file;
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let isLink: boolean;
    try {
      isLink = (await fs.lstat(current)).isSymbolicLink();
    } catch (e) {
      if (errorCode(e) === "ENOENT") return current;
      throw fail(`look at ${JSON.stringify(current)}`, e);
    }
    if (!isLink) return current;
    let link: string;
    try {
      link = await fs.readlink(current);
    } catch (e) {
      throw fail(`read the symlink ${JSON.stringify(current)}`, e);
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw fail(
    `follow the symlinks at the path (more than ${MAX_LINKS}; a loop?)`,
    undefined,
    "point the path at a file, or a chain of fewer symlinks without loops.",
  );
}

/** `fs.stat`, or `undefined` when nothing is there; other errors become `fail()` with the cause. */
async function statOrUndefined(fs: Fs, file: string, fail: (e: unknown) => Error): Promise<Stats | undefined> {
  try {
    return await fs.stat(file);
  } catch (e) {
    if (errorCode(e) === "ENOENT") return undefined;
    throw fail(e);
  }
}

/** `n` random bytes as hex (Web Crypto, global in Node 20). */
function randomHex(n: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function writeAll(fh: FsPromises.FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const length = Math.min(CHUNK_BYTES, bytes.length - done);
    const { bytesWritten } = await fh.write(bytes, done, length, done);
    done += bytesWritten;
  }
}

/** Fsyncs a directory so a rename in it is durable; a no-op where directories cannot be synced. */
async function syncDirectory(fs: Fs, dir: string): Promise<void> {
  let fh: FsPromises.FileHandle | undefined;
  try {
    fh = await fs.open(dir, "r");
    await fh.sync();
  } catch {
    // Windows cannot open or fsync a directory (EISDIR / EPERM); the rename is already done.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Replaces the file at `file` (following symlinks) with `bytes`, atomically and durably (see the
 * module comment). Errors name `where` and the destination, never the temporary file.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array, where: string): Promise<void> {
  const fs = await nodeFs(where);
  const path = await nodePath(where);
  const fail = (
    what: string,
    e: unknown,
    fix = "check that the path's directory exists and is writable, and that the disk has room.",
  ) => {
    const code = errorCode(e);
    const detail = e === undefined ? "" : ` (${code ?? (e instanceof Error ? e.message : String(e))})`;
    return new CheckpointError(where, `could not ${what}${detail}`, fix, e === undefined ? undefined : { cause: e });
  };
  const target = await resolveTarget(fs, path, file, fail);
  const dir = path.dirname(target);
  const via = target === file ? "" : ` (the symlink's target)`;

  const existing = await statOrUndefined(fs, target, (e) => fail(`look at ${JSON.stringify(target)}`, e));
  if (existing?.isDirectory())
    throw fail(
      `write ${JSON.stringify(target)}${via}: it is a directory`,
      undefined,
      "pass a file path, not a directory.",
    );
  if (existing === undefined) {
    const d = await statOrUndefined(fs, dir, (e) => fail(`look at the directory ${JSON.stringify(dir)}`, e));
    if (d === undefined) {
      throw fail(
        `write ${JSON.stringify(target)}${via}: the directory ${JSON.stringify(dir)} does not exist`,
        undefined,
        "create it first (fs.mkdir(dir, { recursive: true })).",
      );
    }
    if (!d.isDirectory())
      throw fail(
        `write ${JSON.stringify(target)}${via}: ${JSON.stringify(dir)} is not a directory`,
        undefined,
        "save into a directory.",
      );
  }
  // An existing destination's permission bits are kept.
  const mode = existing === undefined ? undefined : existing.mode & 0o7777;

  let temp = "";
  let fh: FsPromises.FileHandle | undefined;
  let step = `create a temporary file in ${JSON.stringify(dir)} to write ${JSON.stringify(target)}${via}`;
  try {
    for (let attempt = 0; fh === undefined; attempt++) {
      temp = path.join(dir, `${TEMP_PREFIX}${randomHex(6)}.tmp`);
      try {
        fh = await fs.open(temp, "wx", mode ?? 0o666);
      } catch (e) {
        if (errorCode(e) !== "EEXIST" || attempt >= 3) throw e;
      }
    }
    step = `write ${JSON.stringify(target)}${via}`;
    // open's mode is masked by the umask; an existing file's bits are restored exactly.
    if (mode !== undefined) await fh.chmod(mode);
    await writeAll(fh, bytes);
    step = `flush ${JSON.stringify(target)}${via} to disk`;
    await fh.sync();
    await fh.close();
    fh = undefined;
    step = `replace ${JSON.stringify(target)}${via}`;
    await fs.rename(temp, target);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    if (temp !== "") await fs.rm(temp, { force: true }).catch(() => undefined);
    throw fail(step, e);
  }
  await syncDirectory(fs, dir);
}
