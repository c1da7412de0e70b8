// saveParams replaces a file atomically, durably and without changing what the path is
// (permissions, symlinks), with a short temporary name it always cleans up.
import * as tf from "@tensorflow/tfjs-core";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as io from "../../src/io/index.js";
import { CheckpointError } from "../../src/util/errors.js";

const posix = process.platform !== "win32";

describe("hk.io.saveParams", () => {
  let root: string;
  let dir: string;
  let n = 0;
  const params: Record<string, Record<string, tf.Tensor>> = {};
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "hk-io-save-"));
    params["m"] = { w: tf.tensor([1, 2, 3]) };
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    params["m"]!["w"]!.dispose();
  });
  // Each test gets a fresh directory, so "no leftovers" means exactly the expected names.
  const fresh = async () => {
    dir = join(root, `case${n++}`);
    await mkdir(dir);
    return dir;
  };
  afterEach(async () => {
    const leftovers = (await readdir(dir)).filter((f) => f.includes(".haiku-tfjs-") || f.endsWith(".tmp"));
    expect(leftovers).toEqual([]);
  });

  const loadsBack = async (path: string) => {
    const t = (await io.loadParams<typeof params>(path))["m"]!["w"]!;
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
    t.dispose();
  };

  it.runIf(posix)("keeps an existing file's permission bits (0600 stays 0600, 0640 stays 0640)", async () => {
    const d = await fresh();
    for (const mode of [0o600, 0o640, 0o755]) {
      const path = join(d, `p${mode.toString(8)}.safetensors`);
      await writeFile(path, "old");
      await chmod(path, mode);
      await io.saveParams(path, params);
      expect((await stat(path)).mode & 0o777).toBe(mode);
      await loadsBack(path);
    }
  });

  it.runIf(posix)("gives a new file 0666 minus the umask, like any other writer", async () => {
    const d = await fresh();
    const path = join(d, "new.safetensors");
    await io.saveParams(path, params);
    const umask = process.umask();
    expect((await stat(path)).mode & 0o777).toBe(0o666 & ~umask);
    expect(await readdir(d)).toEqual(["new.safetensors"]);
  });

  it.runIf(posix)(
    "writes through a symlink to its target (relative, chained, dangling); the link stays a link",
    async () => {
      const d = await fresh();
      await mkdir(join(d, "store"));
      const real = join(d, "store", "real.safetensors");
      await writeFile(real, "old");
      await chmod(real, 0o600);
      await symlink("store/real.safetensors", join(d, "link1.safetensors"));
      await symlink("link1.safetensors", join(d, "link2.safetensors"));
      await io.saveParams(join(d, "link2.safetensors"), params);
      expect((await lstat(join(d, "link2.safetensors"))).isSymbolicLink()).toBe(true);
      expect((await lstat(join(d, "link1.safetensors"))).isSymbolicLink()).toBe(true);
      expect(await readlink(join(d, "link1.safetensors"))).toBe("store/real.safetensors");
      expect((await stat(real)).mode & 0o777).toBe(0o600);
      await loadsBack(real);
      expect((await readdir(join(d, "store"))).sort()).toEqual(["real.safetensors"]);
      // A dangling link: its target is created.
      await symlink("store/later.safetensors", join(d, "dangling.safetensors"));
      await io.saveParams(join(d, "dangling.safetensors"), params);
      expect((await lstat(join(d, "dangling.safetensors"))).isSymbolicLink()).toBe(true);
      await loadsBack(join(d, "store", "later.safetensors"));
      // A loop is an error naming the path, not a hang.
      await symlink("loop-b", join(d, "loop-a"));
      await symlink("loop-a", join(d, "loop-b"));
      await expect(io.saveParams(join(d, "loop-a"), params)).rejects.toThrow(
        /could not follow the symlinks at the path \(more than 40; a loop\?\)/,
      );
    },
  );

  it("accepts the longest legal file name (the temporary name does not depend on it)", async () => {
    const d = await fresh();
    const name = `${"p".repeat(255 - ".safetensors".length)}.safetensors`;
    await io.saveParams(join(d, name), params);
    await loadsBack(join(d, name));
    expect(await readdir(d)).toEqual([name]);
  });

  it("names the missing directory and the destination, never the temporary file", async () => {
    const d = await fresh();
    const path = join(d, "missing", "p.safetensors");
    const e = await io.saveParams(path, params).then(
      () => undefined,
      (x: unknown) => x as Error,
    );
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e?.message).toBe(
      `hk.io.saveParams(${JSON.stringify(path)}): could not write ${JSON.stringify(path)}: the directory ${JSON.stringify(join(d, "missing"))} does not exist. Fix: create it first (fs.mkdir(dir, { recursive: true })).`,
    );
  });

  it("refuses a directory at the path, naming it", async () => {
    const d = await fresh();
    await mkdir(join(d, "taken"));
    await expect(io.saveParams(join(d, "taken"), params)).rejects.toThrow(
      `could not write ${JSON.stringify(join(d, "taken"))}: it is a directory`,
    );
    expect(await readdir(d)).toEqual(["taken"]);
  });

  // Disk errors after the temporary file exists (a full disk while writing, an I/O error on
  // fsync), injected on Node's FileHandle: the old file stays, the temporary file goes.
  it.each([
    ["write", "ENOSPC", "write"],
    ["sync", "EIO", "flush"],
  ] as const)(
    "leaves no temporary file when FileHandle.%s fails (%s), and keeps the old file",
    async (method, code, step) => {
      const d = await fresh();
      const path = join(d, "p.safetensors");
      await writeFile(path, "old");
      const probe = await open(path, "r");
      const proto = Object.getPrototypeOf(probe) as Record<string, (...a: unknown[]) => Promise<unknown>>;
      await probe.close();
      const spy = vi
        .spyOn(proto, method)
        .mockRejectedValueOnce(Object.assign(new Error(`${code}: injected`), { code }));
      try {
        await expect(io.saveParams(path, params)).rejects.toThrow(
          `hk.io.saveParams(${JSON.stringify(path)}): could not ${step} ${JSON.stringify(path)}`,
        );
      } finally {
        spy.mockRestore();
      }
      expect(await readdir(d)).toEqual(["p.safetensors"]);
      expect(await readFile(path, "utf8")).toBe("old");
    },
  );

  it("fsyncs the file before the rename", async () => {
    const d = await fresh();
    const path = join(d, "p.safetensors");
    const probe = await open(join(d, "probe"), "w");
    const proto = Object.getPrototypeOf(probe) as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await probe.close();
    await rm(join(d, "probe"));
    const order: string[] = [];
    const sync = proto["sync"]!;
    const spy = vi.spyOn(proto, "sync").mockImplementation(async function (this: unknown) {
      order.push((await readdir(d)).includes("p.safetensors") ? "sync after rename" : "sync before rename");
      return sync.call(this);
    });
    try {
      await io.saveParams(path, params);
    } finally {
      spy.mockRestore();
    }
    // The file first, then (where supported) the directory after the rename.
    expect(order[0]).toBe("sync before rename");
    await loadsBack(path);
  });

  // A directory the process may not write to. Injected (fs.promises.open, synced into the ESM
  // namespace the library imports) because chmod does not stop root, as which CI runs.
  it("a directory it may not write to fails cleanly and leaves the old file", async () => {
    const d = await fresh();
    const path = join(d, "p.safetensors");
    await writeFile(path, "old");
    const fsp = (await import("node:fs")).promises;
    const realOpen = fsp.open;
    const spy = vi
      .spyOn(fsp, "open")
      .mockImplementation(((file: string, flags?: string, mode?: number) =>
        flags === "wx"
          ? Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: "EACCES" }))
          : realOpen(file, flags, mode)) as typeof fsp.open);
    syncBuiltinESMExports();
    try {
      await expect(io.saveParams(path, params)).rejects.toThrow(
        /could not create a temporary file in .* to write .*p\.safetensors" \(EACCES\)/,
      );
    } finally {
      spy.mockRestore();
      syncBuiltinESMExports();
    }
    expect(await readdir(d)).toEqual(["p.safetensors"]);
    expect(await readFile(path, "utf8")).toBe("old");
  });
});
