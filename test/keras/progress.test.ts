// fit's progress in Node without tfjs-node: the ProgressLogger callback, and the one registered
// for fit({ verbose }).
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it, vi } from "vitest";

import { ProgressLogger } from "../../src/keras/index.js";

function model(): tfl.Sequential {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3], kernelInitializer: "ones" })] });
  m.compile({ optimizer: "sgd", loss: "meanSquaredError", metrics: ["mae"] });
  return m;
}

const xs = () =>
  tf.tensor2d([
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 1, 1],
    [1, -1, 0],
  ]);
const ys = () => tf.zeros([5, 2]);

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => void writes.push(s) } };
}

describe("ProgressLogger", () => {
  it("on a log prints one plain line per epoch with the epoch's mean loss and metrics, and the validation ones", async () => {
    const m = model();
    const [x, y] = [xs(), ys()];
    const { writes, stream } = fakeStream(false);
    const history = await m.fit(x, y, {
      epochs: 2,
      batchSize: 2,
      verbose: 0,
      validationData: [x, y],
      callbacks: [new ProgressLogger({ stream, now: () => 0 })],
    });
    const loss = history.history["loss"] as number[];
    const valLoss = history.history["val_loss"] as number[];
    expect(writes).toHaveLength(2);
    for (let e = 0; e < 2; e++) {
      expect(writes[e]).toMatch(
        new RegExp(
          `^epoch ${e + 1}/2  3/3  loss ${loss[e]!.toFixed(4)}  mae \\S+  val_loss ${valLoss[e]!.toFixed(4)}  val_mae \\S+  0\\.0s\\n$`,
        ),
      );
    }
    tf.dispose([x, y]);
    m.dispose();
  });

  it("on a terminal redraws a bar per batch with the running mean, then a final line per epoch", async () => {
    const m = model();
    const [x, y] = [xs(), ys()];
    const { writes, stream } = fakeStream(true);
    let t = 0;
    await m.fit(x, y, {
      epochs: 1,
      batchSize: 2,
      verbose: 0,
      shuffle: false,
      callbacks: [new ProgressLogger({ stream, now: () => (t += 1000) })],
    });
    const text = writes.join("");
    expect(writes.slice(0, 2).every((w) => w.startsWith("\r") && w.endsWith("\x1b[K"))).toBe(true);
    expect(writes[0]).toMatch(
      // eslint-disable-next-line no-control-regex -- the terminal's escape codes are what is tested
      /^\repoch 1\/1  \[########----------------\]  1\/3  loss \d+\.\d{4}  mae \d+\.\d{4}  \d+ ex\/s  ETA \d+\.\ds\x1b\[K$/,
    );
    expect(text.endsWith("\x1b[K\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(2); // one finished line
    tf.dispose([x, y]);
    m.dispose();
  });

  it("fit({ verbose: 1 }) and verbose: 2 print to stdout in Node (registered like tfjs-node's bar); verbose: 0 prints nothing", async () => {
    const m = model();
    const [x, y] = [xs(), ys()];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      await m.fit(x, y, { epochs: 2, batchSize: 5, verbose: 2 });
      const lines = spy.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^epoch 1\/2  1\/1  loss \d+\.\d{4}  mae \d+\.\d{4}  \d+ ex\/s  \d+\.\ds\n$/);
      spy.mockClear();
      await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 1 });
      expect(spy.mock.calls.map((c) => String(c[0])).join("")).toMatch(/epoch 1\/1 .*1\/1  loss/);
      spy.mockClear();
      await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    tf.dispose([x, y]);
    m.dispose();
  });

  it("rejects a bad verbose with a clear error", () => {
    expect(() => new ProgressLogger({ verbose: 3 as 1 })).toThrow(
      "ProgressLogger: `verbose` must be 1 (a bar per batch) or 2 (a line per epoch), got the number 3. Fix: ",
    );
  });
});
