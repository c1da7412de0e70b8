/** A live training chart on a plain canvas: loss per step (left axis), test accuracy (right axis). */

const LOSS = "#d9480f";
const ACCURACY = "#1971c2";

/** Redraws the whole chart from the points so far (cheap at a few thousand points). */
export class TrainingChart {
  private readonly losses: Array<[number, number]> = [];
  private readonly accuracies: Array<[number, number]> = [];
  private totalSteps = 1;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.draw();
  }

  /** Starts a new run of `totalSteps` steps. */
  reset(totalSteps: number): void {
    this.losses.length = 0;
    this.accuracies.length = 0;
    this.totalSteps = Math.max(1, totalSteps);
    this.draw();
  }

  /** Adds one step's loss and, when measured, the test accuracy. */
  add(step: number, loss: number, accuracy?: number): void {
    this.losses.push([step, loss]);
    if (accuracy !== undefined) this.accuracies.push([step, accuracy]);
    this.draw();
  }

  private draw(): void {
    const ctx = this.canvas.getContext("2d");
    if (ctx === null) return;
    const { width, height } = this.canvas;
    const pad = { left: 44, right: 44, top: 14, bottom: 26 };
    const w = width - pad.left - pad.right;
    const h = height - pad.top - pad.bottom;
    ctx.clearRect(0, 0, width, height);
    ctx.font = "11px system-ui, sans-serif";
    const maxLoss = Math.max(2.5, ...this.losses.map(([, l]) => l));
    const x = (step: number) => pad.left + (step / this.totalSteps) * w;
    const yLoss = (l: number) => pad.top + h - (Math.min(l, maxLoss) / maxLoss) * h;
    const yAcc = (a: number) => pad.top + h - a * h;

    ctx.strokeStyle = "#dee2e6";
    ctx.fillStyle = "#495057";
    for (let i = 0; i <= 4; i++) {
      const y = pad.top + (h * i) / 4;
      ctx.beginPath();
      ctx.moveTo(pad.left, y);
      ctx.lineTo(pad.left + w, y);
      ctx.stroke();
      ctx.textAlign = "right";
      ctx.fillStyle = LOSS;
      ctx.fillText((maxLoss * (1 - i / 4)).toFixed(1), pad.left - 6, y + 4);
      ctx.textAlign = "left";
      ctx.fillStyle = ACCURACY;
      ctx.fillText(`${100 - 25 * i}%`, pad.left + w + 6, y + 4);
    }
    ctx.fillStyle = "#495057";
    ctx.textAlign = "center";
    ctx.fillText(`step (of ${this.totalSteps})`, pad.left + w / 2, height - 6);

    ctx.lineWidth = 1.5;
    ctx.strokeStyle = LOSS;
    ctx.beginPath();
    this.losses.forEach(([s, l], i) => (i === 0 ? ctx.moveTo(x(s), yLoss(l)) : ctx.lineTo(x(s), yLoss(l))));
    ctx.stroke();

    ctx.strokeStyle = ACCURACY;
    ctx.fillStyle = ACCURACY;
    ctx.beginPath();
    this.accuracies.forEach(([s, a], i) => (i === 0 ? ctx.moveTo(x(s), yAcc(a)) : ctx.lineTo(x(s), yAcc(a))));
    ctx.stroke();
    for (const [s, a] of this.accuracies) {
      ctx.beginPath();
      ctx.arc(x(s), yAcc(a), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }

    ctx.textAlign = "left";
    ctx.fillStyle = LOSS;
    ctx.fillText("— training loss", pad.left + 6, pad.top + 12);
    ctx.fillStyle = ACCURACY;
    ctx.fillText("● test accuracy", pad.left + 110, pad.top + 12);
  }
}
