import { describe, expect, it } from "vitest";

import { ProgressBar } from "../../src/optim/index.js";
import { InvalidArgumentError } from "../../src/util/errors.js";

/** A stream that records what is written; `isTTY` as a terminal or a log. */
function fakeStream(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (s: string) => void writes.push(s) } };
}

/** What a terminal shows after `writes`: `\r` returns to the line start, `ESC[K` clears to its end. */
function screen(writes: string[]): string[] {
  const lines: string[] = [""];
  let col = 0;
  const text = writes.join("");
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const row = lines.length - 1;
    if (c === "\r") col = 0;
    else if (c === "\n") {
      lines.push("");
      col = 0;
    } else if (c === "\x1b" && text.startsWith("\x1b[K", i)) {
      lines[row] = lines[row]!.slice(0, col);
      i += 2;
    } else {
      const line = lines[row]!;
      lines[row] = line.slice(0, col) + c + line.slice(col + 1);
      col++;
    }
  }
  return lines;
}

describe("ProgressBar", () => {
  it("on a terminal redraws one line, leaves no stale characters, and keeps the final line", () => {
    const { writes, stream } = fakeStream(true);
    let t = 0;
    const bar = new ProgressBar({ total: 4, label: "epoch 1/2", examplesPerStep: 10, stream, now: () => t });
    t = 100;
    bar.update(1, { loss: 2 }); // "100 ex/s  ETA 0.3s"
    expect(screen(writes)).toEqual(["epoch 1/2  [######------------------]  1/4  loss 2.0000  100 ex/s  ETA 0.3s"]);
    t = 1100;
    bar.update(2, { loss: 1 }); // a shorter line: the old one's last character must not show through
    expect(screen(writes)).toEqual(["epoch 1/2  [############------------]  2/4  loss 1.5000  18 ex/s  ETA 1.1s"]);
    t = 1150;
    bar.update(3, { loss: 4 }); // within redrawMs of the last draw: not redrawn
    expect(writes).toHaveLength(2);
    t = 2000;
    bar.update(4, { loss: 1 });
    // Final line: the running mean over the 4 steps, the elapsed time, and a newline.
    expect(screen(writes)).toEqual(["epoch 1/2  4/4  loss 2.0000  20 ex/s  2.0s", ""]);
    bar.update(5, { loss: 100 }); // after the end: ignored
    expect(screen(writes)).toEqual(["epoch 1/2  4/4  loss 2.0000  20 ex/s  2.0s", ""]);
  });

  it("shows the running mean of each metric, each value weighted by the steps it stands for (Keras Progbar)", () => {
    const { stream } = fakeStream(false);
    const bar = new ProgressBar({ total: 10, stream, now: () => 0 });
    bar.update(1, { loss: 4, acc: 0.5 });
    bar.update(4, { loss: 1 }); // stands for steps 2-4: weight 3
    // keras/src/utils/progbar.py Progbar.update: values accumulate v * (current - seen_so_far).
    expect(bar.means).toEqual({ loss: (4 + 3 * 1) / 4, acc: 0.5 });
  });

  it("on a log prints plain lines: only the final one, or also one every logEvery steps", () => {
    const quiet = fakeStream(false);
    let t = 0;
    const bar = new ProgressBar({ total: 6, label: "run", stream: quiet.stream, now: () => t });
    for (let s = 1; s <= 6; s++) {
      t = s * 500;
      bar.update(s, { loss: s });
    }
    expect(quiet.writes).toEqual(["run  6/6  loss 3.5000  3.0s\n"]);

    const chatty = fakeStream(false);
    t = 0;
    const every = new ProgressBar({ total: 6, label: "run", stream: chatty.stream, logEvery: 2, now: () => t });
    for (let s = 1; s <= 6; s++) {
      t = s * 500;
      every.update(s, { loss: s });
    }
    expect(chatty.writes).toEqual([
      "run  2/6  loss 1.5000  ETA 2.0s\n",
      "run  4/6  loss 2.5000  ETA 1.0s\n",
      "run  6/6  loss 3.5000  3.0s\n",
    ]);
    // eslint-disable-next-line no-control-regex -- a log must hold no terminal escape codes
    expect(chatty.writes.join("")).not.toMatch(/[\r\x1b]/);
  });

  it("finish() takes exact values (e.g. an epoch's means and validation metrics); an unknown total shows a count", () => {
    const { writes, stream } = fakeStream(false);
    const bar = new ProgressBar({ total: null, stream, logEvery: 1, now: () => 0 });
    bar.update(1, { loss: 3 });
    bar.finish({ loss: 2.5, val_loss: 2.75 });
    expect(writes).toEqual(["1  loss 3.0000\n", "1  loss 2.5000  val_loss 2.7500  0.0s\n"]);
  });

  it("cuts the terminal line to the stream's width, and rejects a bad total with a clear error", () => {
    const { writes, stream } = fakeStream(true, 20);
    const bar = new ProgressBar({ total: 3, label: "a long label here", stream, now: () => 0 });
    bar.update(1, { loss: 1 });
    expect(screen(writes)[0]).toHaveLength(19);
    expect(() => new ProgressBar({ total: -1 })).toThrow(InvalidArgumentError);
    expect(() => new ProgressBar({ total: -1 })).toThrow(
      "hk.optim.ProgressBar: `total` must be a non-negative integer (steps) or null when unknown, got the number -1. Fix: pass the number of steps, or null.",
    );
  });
});
