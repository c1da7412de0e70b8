/**
 * A one-line progress display for training loops, for Node terminals, logs and the browser
 * console. It does not depend on tfjs: a custom loop passes numbers, and `haiku-tfjs/keras`'s
 * `fit` callback drives the same display from tfjs-layers' logs. It lives with `trainStep`, the
 * loop helper it is shown beside.
 */

import { describe } from "../util/describe.js";
import { InvalidArgumentError } from "../util/errors.js";

/**
 * Where a {@link ProgressBar} writes: `process.stdout`, `process.stderr`, or anything with a
 * `write` (a fake stream in tests). `isTTY` selects the redrawn bar; `columns` caps its width.
 *
 * @category Training
 */
export interface ProgressStream {
  /** Writes text as is (no newline added). */
  write(text: string): unknown;
  /** True for a terminal: the line is redrawn in place. Otherwise plain lines are printed. */
  isTTY?: boolean;
  /** The terminal's width; lines are cut to fit it. */
  columns?: number;
}

/**
 * Options of {@link ProgressBar}.
 *
 * @category Training
 */
export interface ProgressBarOptions {
  /** Steps in the run (or epoch); `null` when unknown (no bar, no ETA). */
  total: number | null;
  /** Text before the bar, e.g. `"epoch 1/6"`. */
  label?: string;
  /** Examples per step, to show examples per second. */
  examplesPerStep?: number;
  /** Where to write. Default `process.stdout` in Node, the console elsewhere (as plain lines). */
  stream?: ProgressStream;
  /**
   * When the stream is not a terminal (a log file, CI): print a line every `logEvery` steps as
   * well as at the end. Default 0: only the final line.
   */
  logEvery?: number;
  /**
   * Print the final line when an update reaches `total`. Default true; false when the caller
   * calls {@link ProgressBar.finish} itself with exact final values.
   */
  autoFinish?: boolean;
  /** Minimum milliseconds between two redraws of a terminal line. Default 100. */
  redrawMs?: number;
  /** Clock in milliseconds (default `performance.now`); for tests. */
  now?: () => number;
}

function defaultStream(): ProgressStream {
  const stdout = (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
  if (stdout && typeof stdout.write === "function") return stdout;
  // No process.stdout (a browser): whole lines go to the console.
  let pending = "";
  return {
    write(text: string) {
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        console.log(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    },
  };
}

function seconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(Math.round(s - 60 * m)).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(3) : v.toFixed(4);
}

/**
 * A progress line for a training loop: a bar, `step/total`, the running mean of each metric
 * since the start (as Keras' `Progbar`, keras/src/utils/progbar.py, which weights each value by
 * the steps it stands for), examples per second and the time left.
 *
 * On a terminal the line is redrawn in place (at most every `redrawMs`) and cleared to its end,
 * so a shorter line leaves no characters of the longer one behind; the final line stays. On a
 * stream that is not a terminal (a log, CI) it prints plain lines: the final one, and one every
 * `logEvery` steps if set.
 *
 * @example
 * ```ts
 * const step = hk.optim.trainStep(loss, opt);
 * const bar = new hk.optim.ProgressBar({ total: steps, label: `epoch ${epoch + 1}/${epochs}`, examplesPerStep: 64 });
 * for (let s = 0; s < steps; s++) {
 *   const r = step(params, optState, x, y);
 *   ({ params, optState } = r);
 *   bar.update(s + 1, { loss: r.loss.dataSync()[0]! });
 *   r.loss.dispose();
 * }
 * ```
 *
 * @category Training
 */
export class ProgressBar {
  private readonly total: number | null;
  private readonly label: string;
  private readonly examplesPerStep: number;
  private readonly stream: ProgressStream;
  private readonly logEvery: number;
  private readonly redrawMs: number;
  private readonly autoFinish: boolean;
  private readonly now: () => number;
  private readonly start: number;
  private readonly sums = new Map<string, { sum: number; weight: number }>();
  private seen = 0;
  private lastDraw = -Infinity;
  private lastLogged = 0;
  private finished = false;

  constructor(options: ProgressBarOptions) {
    const where = "hk.optim.ProgressBar";
    const {
      total,
      label = "",
      examplesPerStep = 0,
      stream,
      logEvery = 0,
      redrawMs = 100,
      autoFinish = true,
      now,
    } = options ?? ({} as ProgressBarOptions);
    if (total !== null && !(Number.isInteger(total) && total >= 0)) {
      throw new InvalidArgumentError(
        where,
        `\`total\` must be a non-negative integer (steps) or null when unknown, got ${describe(total)}`,
        "pass the number of steps, or null.",
      );
    }
    if (!(Number.isInteger(logEvery) && logEvery >= 0)) {
      throw new InvalidArgumentError(
        where,
        `\`logEvery\` must be a non-negative integer (0: only the final line), got ${describe(logEvery)}`,
        "pass a step interval such as 100, or 0.",
      );
    }
    this.total = total;
    this.label = label;
    this.examplesPerStep = examplesPerStep;
    this.stream = stream ?? defaultStream();
    this.logEvery = logEvery;
    this.redrawMs = redrawMs;
    this.autoFinish = autoFinish;
    this.now = now ?? (() => performance.now());
    this.start = this.now();
  }

  /** The running mean of each metric passed to {@link update} so far. */
  get means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, { sum, weight }] of this.sums) out[k] = sum / weight;
    return out;
  }

  /**
   * Records that `step` steps (1-based, cumulative) are done, with this step's metric values
   * (each enters the running mean weighted by the steps since the last update), and redraws.
   * Reaching `total` prints the final line (unless `autoFinish` is false). Non-finite values are
   * shown, not averaged away.
   */
  update(step: number, values: Record<string, number> = {}): void {
    if (this.finished) return;
    const weight = Math.max(step - this.seen, 1);
    for (const [k, v] of Object.entries(values)) {
      if (typeof v !== "number") continue;
      const acc = this.sums.get(k) ?? { sum: 0, weight: 0 };
      acc.sum += v * weight;
      acc.weight += weight;
      this.sums.set(k, acc);
    }
    this.seen = Math.max(step, this.seen);
    if (this.autoFinish && this.total !== null && step >= this.total) {
      this.finish();
      return;
    }
    const now = this.now();
    if (this.stream.isTTY) {
      if (now - this.lastDraw < this.redrawMs) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.fit(this.line(now, false))}\x1b[K`);
    } else if (this.logEvery > 0 && step - this.lastLogged >= this.logEvery) {
      this.lastLogged = step;
      this.stream.write(`${this.line(now, false)}\n`);
    }
  }

  /**
   * Prints the final line (with the elapsed time instead of the ETA), replacing a terminal's
   * redrawn line; `values` replace the running means (e.g. an epoch's exact means and
   * validation metrics). Later updates are ignored.
   */
  finish(values?: Record<string, number>): void {
    if (this.finished) return;
    this.finished = true;
    if (values)
      for (const [k, v] of Object.entries(values)) if (typeof v === "number") this.sums.set(k, { sum: v, weight: 1 });
    const line = this.line(this.now(), true);
    this.stream.write(this.stream.isTTY ? `\r${this.fit(line)}\x1b[K\n` : `${line}\n`);
  }

  private fit(line: string): string {
    const cols = this.stream.columns;
    return cols !== undefined && cols > 1 && line.length > cols - 1 ? line.slice(0, cols - 1) : line;
  }

  private line(now: number, final: boolean): string {
    const elapsed = (now - this.start) / 1000;
    const parts: string[] = [];
    if (this.label) parts.push(this.label);
    const total = this.total;
    const step = final && total !== null ? Math.max(this.seen, total) : this.seen;
    if (total !== null) {
      if (this.stream.isTTY && !final) {
        const width = 24;
        const filled = total === 0 ? width : Math.min(width, Math.floor((step / total) * width));
        parts.push(`[${"#".repeat(filled)}${"-".repeat(width - filled)}]`);
      }
      parts.push(`${String(step).padStart(String(total).length)}/${total}`);
    } else {
      parts.push(`${step}`);
    }
    for (const [k, v] of Object.entries(this.means)) parts.push(`${k} ${formatValue(v)}`);
    if (this.examplesPerStep > 0 && elapsed > 0)
      parts.push(`${Math.round((step * this.examplesPerStep) / elapsed)} ex/s`);
    if (final) parts.push(seconds(elapsed));
    else if (total !== null && step > 0) parts.push(`ETA ${seconds((elapsed / step) * (total - step))}`);
    return parts.join("  ");
  }
}
