// Max-pool gradients against JAX (issue 11, item 6). Fixture: test/golden/fixtures/maxpool_grad.json,
// written by tools/golden/maxpool_grad.py (jax.grad of sum(lax.reduce_window(x, -inf, lax.max,
// ...) * w), the pooling hk.max_pool runs). tfjs-backend-wasm 4.22's MaxPoolGrad pads with 0
// instead of -inf, so in the SAME cases whose bottom / right windows hold only negative values
// its gradient went to the padding; the runtime replaces the kernel.
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import "../../src/runtime/index.js";

interface Case {
  name: string;
  shape: number[];
  window: number[];
  strides: number[];
  padding: "same" | "valid";
  x: number[];
  w: number[];
  dx: number[];
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/maxpool_grad.json", import.meta.url), "utf8")) as {
  generator: string;
  cases: Case[];
};

function gradient(c: Case): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor(c.x, c.shape);
    const pool = (v: tf.Tensor) =>
      c.shape.length === 4
        ? tf.maxPool(v as tf.Tensor4D, c.window as [number, number], c.strides as [number, number], c.padding)
        : tf.maxPool3d(
            v as tf.Tensor5D,
            c.window as [number, number, number],
            c.strides as [number, number, number],
            c.padding,
          );
    const g = tf.grad((v: tf.Tensor) => {
      const y = pool(v);
      return tf.sum(tf.mul(y, tf.tensor(c.w, y.shape)));
    })(x);
    return Float32Array.from(g.dataSync());
  });
}

describe(`max-pool gradients equal JAX's (${fixture.generator})`, () => {
  for (const backend of ["wasm", "cpu"]) {
    for (const c of fixture.cases) {
      it(`${backend}: ${c.name}`, () => {
        tf.setBackend(backend);
        try {
          const got = gradient(c);
          // Each dx cell is a sum of the w entries routed to it (at most a few, in float32).
          expect(got.length).toBe(c.dx.length);
          got.forEach((v, i) =>
            expect(Math.abs(v - c.dx[i]!), `dx[${i}]: ${v} vs JAX ${c.dx[i]}`).toBeLessThanOrEqual(
              1e-6 * (1 + Math.abs(c.dx[i]!)),
            ),
          );
        } finally {
          tf.setBackend("wasm");
        }
      });
    }
  }
});
