// Known values from optax/schedules/_schedule_test.py (google-deepmind/optax), test by test.
import { describe, expect, it } from "vitest";

import * as optim from "../../src/optim/index.js";
import { InvalidArgumentError } from "../../src/util/errors.js";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("schedules (optax/schedules/_schedule.py)", () => {
  it("constantSchedule (ConstantTest.test_constant)", () => {
    const s = optim.constantSchedule(10);
    expect(range(15).map(s)).toEqual(range(15).map(() => 10));
  });

  it("exponentialDecay (ExponentialTest.test_exponential), with staircase and transition_begin", () => {
    for (const staircase of [false, true]) {
      for (const begin of [0, 3]) {
        const s = optim.exponentialDecay(1.0, 2, 2.0, { transitionBegin: begin, staircase });
        const want = [
          ...range(begin).map(() => 1.0),
          ...range(15).map((c) => 1.0 * 2.0 ** (staircase ? Math.floor(c / 2) : c / 2)),
        ];
        range(15 + begin).forEach((c) => expect(s(c)).toBeCloseTo(want[c] as number, 3));
      }
    }
  });

  it("exponentialDecay endValue clips (ExponentialTest.test_end_value_with_staircase)", () => {
    for (const [rate, end] of [
      [0.2, 0.1],
      [2.0, 3.0],
    ] as const) {
      const s = optim.exponentialDecay(1.0, 2, rate, { transitionBegin: 3, endValue: end });
      range(14).forEach((c) => {
        const raw = c < 3 ? 1.0 : rate ** ((c - 3) / 2);
        const want = rate < 1 ? Math.max(raw, end) : Math.min(raw, end);
        expect(s(c)).toBeCloseTo(want, 3);
      });
    }
    // transition_steps <= 0 and decay_rate == 0 give a constant (test_nonvalid_*).
    expect(optim.exponentialDecay(2, 0, 0.5)(100)).toBe(2);
    expect(optim.exponentialDecay(2, 10, 0)(100)).toBe(2);
  });

  it("cosineDecay (CosineDecayTest: smaller/greater count, alpha, exponent, giant steps)", () => {
    const s = optim.cosineDecay(0.1, 10);
    const fr = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    range(10).forEach((c) => expect(s(c)).toBeCloseTo(0.1 * (0.5 + 0.5 * Math.cos(Math.PI * (fr[c] as number))), 3));
    const a = optim.cosineDecay(0.1, 5, { alpha: 0.1 });
    const fr2 = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    range(12).forEach((c) =>
      expect(a(c)).toBeCloseTo(0.1 * (0.9 * (0.5 + 0.5 * Math.cos(Math.PI * (fr2[c] as number))) + 0.1), 3),
    );
    const e = optim.cosineDecay(0.1, 100, { exponent: 2 });
    const want = [0.1, 0.09516553580760956, 0.025, 0.0021446612663567066, 0.0];
    [0, 10, 50, 75, 100].forEach((c, i) =>
      expect(Math.abs(e(c) - (want[i] as number))).toBeLessThan(1e-8 + 1e-6 * (want[i] as number)),
    );
    expect(optim.cosineDecay(1000, 1e10)(1e9)).toBeCloseTo(975.52826, 3);
    expect(() => optim.cosineDecay(1, 0)).toThrow(
      /hk\.optim\.cosineDecay: `decaySteps` \(optax's `decay_steps`\) must be positive, got the number 0\. Fix: /,
    );
    expect(() => optim.cosineDecay(1, 0)).toThrow(InvalidArgumentError);
  });

  it("warmupCosineDecay (WarmupCosineDecayTest: limits, exponent, zero peak, decay == warmup)", () => {
    for (const [init, peak, end] of [
      [10, 0.5, 1e-4],
      [5, 3, 0.0],
    ] as const) {
      const s = optim.warmupCosineDecay(init, peak, 100, 1000, { endValue: end });
      expect(s(0)).toBeCloseTo(init, 6);
      expect(s(100)).toBeCloseTo(peak, 6);
      expect(Math.abs(s(1000) - end)).toBeLessThanOrEqual(1e-3 * end + 1e-12);
    }
    const x = optim.warmupCosineDecay(0.2, 1.21, 50, 100, { endValue: -3.0, exponent: 2 });
    const want = [0.20000004768371582, 0.4020000100135803, 1.2100000381469727, -1.947500228881836, -3.000000238418579];
    // optax's values are float32 results; ours are float64, so compare to float32 precision.
    [0, 10, 50, 75, 100].forEach((c, i) =>
      expect(Math.abs(x(c) - (want[i] as number))).toBeLessThan(1e-6 * Math.abs(want[i] as number) + 1e-6),
    );
    const z = optim.warmupCosineDecay(0.2, 0, 50, 100, { endValue: -3.0, exponent: 2 });
    const wantZ = [0.2, 0.16, 0.0, 0.0, 0.0];
    [0, 10, 50, 75, 100].forEach((c, i) => expect(z(c)).toBeCloseTo(wantZ[i] as number, 6));
    expect(() => optim.warmupCosineDecay(0.2, 1.2, 10, 10)).toThrow(
      /`decaySteps` \(optax's `decay_steps`, the number 10\) must be greater than `warmupSteps` \(optax's `warmup_steps`, the number 10\)/,
    );
    expect(() => optim.warmupCosineDecay(0.2, 1.2, 10, 10)).toThrow(InvalidArgumentError);
  });

  it("linearSchedule / polynomialSchedule (PolynomialTest.test_linear, test_with_decay_begin)", () => {
    const l = optim.linearSchedule(10, 20, 10);
    expect(range(15).map(l)).toEqual(
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 20, 20, 20, 20].map((v) => expect.closeTo(v, 6)),
    );
    const q = optim.polynomialSchedule(30, 10, 2, 10, { transitionBegin: 4 });
    const want = [
      ...range(4).map(() => 30),
      ...range(10).map((n) => 10 + 20 * (1 - n / 10) ** 2),
      ...range(6).map(() => 10),
    ];
    range(20).forEach((c) => expect(q(c)).toBeCloseTo(want[c] as number, 3));
  });
});
