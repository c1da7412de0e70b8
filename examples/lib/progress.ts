/** A one-line progress bar for training loops: step, loss, examples/s and ETA. */
export class ProgressBar {
  private readonly start = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly examplesPerStep: number,
    private readonly stream: NodeJS.WriteStream = process.stdout,
  ) {}

  /** Redraws the bar after `step` steps (1-based); throttled to 10 redraws a second. */
  update(step: number, loss: number, force = false): void {
    const now = performance.now();
    if (!force && step < this.total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    const rate = (step * this.examplesPerStep) / Math.max(elapsed, 1e-9);
    const eta = step > 0 ? (elapsed / step) * (this.total - step) : 0;
    const width = 24;
    const filled = Math.round((step / this.total) * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    const line =
      `${this.label} [${bar}] ${String(step).padStart(String(this.total).length)}/${this.total}` +
      ` loss ${loss.toFixed(4)}  ${rate.toFixed(0)} ex/s  ETA ${eta.toFixed(1)}s`;
    if (this.stream.isTTY) this.stream.write(`\r${line}`);
    else if (step === this.total) this.stream.write(`${line}\n`);
    if (this.stream.isTTY && step === this.total) this.stream.write("\n");
  }

  /** Seconds since the bar was created. */
  elapsedSeconds(): number {
    return (performance.now() - this.start) / 1000;
  }
}
