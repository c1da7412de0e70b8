// hk.ready(options): the backend it selects, what it reports, and that it never overrides the
// user's choice; scenarios that need a fresh process (ready() and the backend are process-wide)
// run fixture/ready_child.ts in a child Node process.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as hk from "../../src/index.js";

const child = fileURLToPath(new URL("./fixture/ready_child.ts", import.meta.url));
interface ChildResult {
  info: hk.ReadyInfo | { error: string };
  backend: string;
  warnings: string[];
}
async function inChild(mode: string): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", child, mode], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as ChildResult;
}

describe("hk.ready", () => {
  const children: Record<string, ChildResult> = {};
  beforeAll(async () => {
    const modes = ["user-choice", "fallback", "explicit-wasm-fails"];
    const results = await Promise.all(modes.map(inChild));
    modes.forEach((m, i) => (children[m] = results[i]!));
  }, 120_000);

  it("selects wasm by default and says which build runs", async () => {
    // test/setup.ts called ready() first; a later call returns the same result.
    const info = await hk.ready();
    expect(info).toEqual({
      backend: "wasm",
      chosenBy: "default",
      // Node 20 has WebAssembly SIMD but no wasm threads (tfjs-backend-wasm's
      // WASM_HAS_MULTITHREAD_SUPPORT is false under IS_NODE).
      wasm: { build: "simd", threads: 1, crossOriginIsolated: false },
    });
  });

  it("switches to a backend asked for by a later call, and back", async () => {
    try {
      expect(await hk.ready({ backend: "cpu" })).toEqual({ backend: "cpu", chosenBy: "option" });
      expect(tf.getBackend()).toBe("cpu");
    } finally {
      const back = await hk.ready({ backend: "wasm" });
      expect(back.backend).toBe("wasm");
    }
  });

  it("rejects bad options and late wasmPaths with errors that say what to do", async () => {
    expect(() => hk.ready({ backend: "gpu" as "wasm" })).toThrow(
      'hk.ready(options): `backend` must be "wasm", "webgl", "webgpu" or "cpu", got the string "gpu". Fix: pick one of',
    );
    expect(() => hk.ready({ backend: "gpu" as "wasm" })).toThrow(hk.InvalidArgumentError);
    expect(() => hk.ready(3 as never)).toThrow(
      /^hk\.ready\(options\): `options` must be an object .*, got the number 3\. Fix: /,
    );
    await expect(hk.ready({ wasmPaths: "/wasm/" })).rejects.toThrow(
      "hk.ready({ wasmPaths }): the wasm backend has already started, so its file locations (`wasmPaths`) can no longer change. " +
        "Fix: pass `wasmPaths` to the first ready() call.",
    );
    await expect(hk.ready({ wasmPaths: "/wasm/" })).rejects.toThrow(hk.BackendError);
    await expect(hk.ready({ backend: "webgl" })).rejects.toThrow(
      'hk.ready({ backend: "webgl" }): `backend` "webgl" is not registered. Fix: `import "@tensorflow/tfjs-backend-webgl";`',
    );
    await expect(hk.ready({ backend: "webgl" })).rejects.toThrow(hk.BackendError);
    expect(tf.getBackend()).toBe("wasm");
  });

  it("keeps a backend the user selected with tf.setBackend before it", () => {
    const r = children["user-choice"]!;
    expect(r.info).toEqual({ backend: "cpu", chosenBy: "user" });
    expect(r.backend).toBe("cpu");
  });

  it("falls back to cpu when wasm cannot start, and says why and how to fix it, once", () => {
    const r = children["fallback"]!;
    expect(r.backend).toBe("cpu");
    // tfjs-backend-wasm's own rejection (backend_wasm.ts `init`, onAbort) is the reason.
    const reason = "Make sure the server can serve the `.wasm` file relative to the bundled js file.";
    expect(r.info).toMatchObject({
      backend: "cpu",
      chosenBy: "fallback",
      fallbackReason: expect.stringContaining(reason),
    });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain(`haiku-tfjs ready(): the wasm backend could not start (${reason}`);
    expect(r.warnings[0]).toContain(
      'so computations run on the much slower cpu backend. Fix: check that `wasmPaths` ("/nonexistent/wasm/") ' +
        'points at tfjs-backend-wasm\'s dist/*.wasm files as they are served; or choose a backend: `hk.ready({ backend: "webgl" })`.',
    );
  });

  it("throws instead of falling back when wasm was asked for explicitly", () => {
    const r = children["explicit-wasm-fails"]!;
    expect(r.info).toEqual({
      error: expect.stringMatching(
        /^hk\.ready\(\{ backend: "wasm" \}\): the wasm backend could not start: Make sure the server/,
      ),
    });
    expect(r.warnings).toEqual([]);
  });
});
