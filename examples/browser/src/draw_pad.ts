/**
 * A canvas to draw a digit on, turned into an MNIST-style input: the strokes' bounding box scaled
 * into 20x20 pixels and centred by its centre of mass in a 28x28 image, values in [0, 1] (as the
 * MNIST digits were prepared).
 */
export class DrawPad {
  private drawing = false;
  private last: [number, number] | undefined;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onStroke: () => void,
  ) {
    this.ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener("pointerdown", (e) => {
      this.drawing = true;
      this.last = this.point(e);
      this.line(this.last, this.last);
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!this.drawing) return;
      const p = this.point(e);
      this.line(this.last ?? p, p);
      this.last = p;
    });
    const end = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.onStroke();
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  }

  /** Wipes the pad. */
  clear(): void {
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** The drawing as a 28x28 image in [0, 1], or undefined when nothing is drawn. */
  toMnist(): Float32Array | undefined {
    const { width, height } = this.canvas;
    const src = this.ctx.getImageData(0, 0, width, height).data;
    let x0 = width,
      y0 = height,
      x1 = -1,
      y1 = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (src[(y * width + x) * 4]! > 20) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) return undefined;
    const boxW = x1 - x0 + 1,
      boxH = y1 - y0 + 1;
    const scale = 20 / Math.max(boxW, boxH);
    const small = document.createElement("canvas");
    small.width = small.height = 28;
    const sctx = small.getContext("2d", { willReadFrequently: true })!;
    sctx.fillStyle = "#000";
    sctx.fillRect(0, 0, 28, 28);
    sctx.imageSmoothingEnabled = true;
    sctx.imageSmoothingQuality = "high";
    const dw = boxW * scale,
      dh = boxH * scale;
    sctx.drawImage(this.canvas, x0, y0, boxW, boxH, (28 - dw) / 2, (28 - dh) / 2, dw, dh);
    const px = sctx.getImageData(0, 0, 28, 28).data;
    const img = new Float32Array(28 * 28);
    let mass = 0,
      cx = 0,
      cy = 0;
    for (let i = 0; i < img.length; i++) {
      const v = px[i * 4]! / 255;
      img[i] = v;
      mass += v;
      cx += v * (i % 28);
      cy += v * Math.floor(i / 28);
    }
    // Shift so the centre of mass sits at the image centre, as in MNIST.
    const dx = Math.round(13.5 - cx / mass),
      dy = Math.round(13.5 - cy / mass);
    const out = new Float32Array(28 * 28);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const sx = x - dx,
          sy = y - dy;
        if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = img[sy * 28 + sx]!;
      }
    }
    return out;
  }

  private point(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [
      ((e.clientX - r.left) * this.canvas.width) / r.width,
      ((e.clientY - r.top) * this.canvas.height) / r.height,
    ];
  }

  private line(a: [number, number], b: [number, number]): void {
    const ctx = this.ctx;
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = this.canvas.width / 14;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  }
}
