/**
 * Float32 arithmetic as XLA:CPU evaluates it, for the samplers' float constructions.
 *
 * XLA:CPU compiles with LLVM's `AllowFPOpFusion = Fast`, so a float32 `a * b + c` in an HLO
 * elementwise fusion becomes one fused multiply-add (one rounding). `fmaf` reproduces that
 * exactly: the product of two float32 values is exact in float64, and the only error left, the
 * double rounding of `p + c` (float64, then float32), is repaired with an error-free TwoSum.
 *
 * @internal
 * @module
 */

const f32 = Math.fround;

/**
 * Correctly rounded float32 `a * b + c` for float32 inputs (IEEE `fmaf`).
 *
 * @internal
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 x 24 significant bits fit in 53
  const s = p + c;
  const r = f32(s);
  // Double rounding (float64, then float32) only goes wrong when s sits exactly halfway between
  // two float32 values, i.e. when o, the mirror of r through s, is itself a float32.
  const o = r + 2 * (s - r);
  if (f32(o) !== o || o === r) return r;
  // TwoSum: e is the exact rounding error of p + c (p + c = s + e); the true sum lies on e's
  // side of the midpoint, and an exact tie keeps fround's ties-to-even.
  const bv = s - p;
  const e = p - (s - bv) + (c - bv);
  if (e === 0) return r;
  return e > 0 === o > r ? o : r;
}

/** `np.sqrt(2)` as float32. @internal */
export const SQRT2_F32 = f32(Math.SQRT2);

const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

/**
 * `np.nextafter(x, toward)` in float32, for float32 `x`.
 *
 * @internal
 */
export function nextafter32(x: number, toward: number): number {
  if (Number.isNaN(x) || Number.isNaN(toward)) return Number.NaN;
  if (x === toward) return toward;
  if (x === 0) return toward > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  scratchF[0] = x;
  const up = toward > x === x > 0;
  scratchU[0] = up ? (scratchU[0] as number) + 1 : (scratchU[0] as number) - 1;
  return scratchF[0] as number;
}

// Giles (2012) erfinv coefficients, float32, as in StableHLO's `materializeErfInvF32`
// (chlo.erf_inv decomposition), highest order first.
const A0 = f32(2.81022636e-8);
const A1 = f32(3.43273939e-7);
const A2 = f32(-3.5233877e-6);
const A3 = f32(-4.39150654e-6);
const A4 = f32(0.00021858087);
const A5 = f32(-0.00125372503);
const A6 = f32(-0.00417768164);
const A7 = f32(0.246640727);
const A8 = f32(1.50140941);
const B0 = f32(-0.000200214257);
const B1 = f32(0.000100950558);
const B2 = f32(0.00134934322);
const B3 = f32(-0.00367342844);
const B4 = f32(0.00573950773);
const B5 = f32(-0.0076224613);
const B6 = f32(0.00943887047);
const B7 = f32(1.00167406);
const B8 = f32(2.83297682);

/**
 * float32 `lax.erf_inv` as JAX runs it on CPU: `w = -log1p(-x*x)`, a degree-8 polynomial in
 * `w - 2.5` (w < 5) or `sqrt(w) - 3`, evaluated with FMA, times `x`; `erf_inv(+-1) = +-inf`.
 *
 * @internal
 */
export function erfInv32(x: number): number {
  // The Horner steps are fmaf written out: the plain float64 sum rounded to float32 is the fused
  // result unless it lands exactly on a float32 midpoint (o is then a float32), which is rare
  // enough to hand to fmaf. Written inline because this loop dominates normal().
  let w = -f32(Math.log1p(f32(x * -x)));
  let p: number;
  let s: number;
  let r: number;
  let o: number;
  if (w < 5) {
    w = f32(w - 2.5);
    p = A0;
    s = p * w + A1; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A1) : r;
    s = p * w + A2; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A2) : r;
    s = p * w + A3; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A3) : r;
    s = p * w + A4; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A4) : r;
    s = p * w + A5; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A5) : r;
    s = p * w + A6; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A6) : r;
    s = p * w + A7; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A7) : r;
    s = p * w + A8; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, A8) : r;
  } else {
    w = f32(f32(Math.sqrt(w)) - 3);
    p = B0;
    s = p * w + B1; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B1) : r;
    s = p * w + B2; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B2) : r;
    s = p * w + B3; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B3) : r;
    s = p * w + B4; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B4) : r;
    s = p * w + B5; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B5) : r;
    s = p * w + B6; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B6) : r;
    s = p * w + B7; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B7) : r;
    s = p * w + B8; r = f32(s); o = r + 2 * (s - r);
    p = f32(o) === o && o !== r ? fmaf(p, w, B8) : r;
  }
  if (Math.abs(x) === 1) return x * Number.POSITIVE_INFINITY;
  return f32(p * x);
}

// Eigen's rational erf approximation, as XLA:CPU emits float32 `erf`
// (xla/codegen/intrinsic/erf.cc, `EmitErfF32`), with explicit FMAs.
const ERF_CLAMP = f32(3.832506856900711);
const ALPHA1 = f32(1.128379143519084);
const ALPHA3 = f32(0.18520832239976145);
const ALPHA5 = f32(0.050955695062380861);
const ALPHA7 = f32(0.0034082910107109506);
const ALPHA9 = f32(0.00022905065861350646);
const BETA2 = f32(0.49746925110067538);
const BETA4 = f32(0.11098505178285362);
const BETA6 = f32(0.014070470171167667);
const BETA8 = f32(0.0010179625278914885);
const BETA10 = f32(0.000023547966471313185);
const BETA12 = f32(-1.1791602954361697e-7);

/**
 * float32 `lax.erf` as XLA:CPU computes it: `x * P(x^2) / Q(x^2)` for `|x| < 3.8325`, else
 * `sign(x)`.
 *
 * @internal
 */
export function erf32(x: number): number {
  if (ERF_CLAMP <= Math.abs(x)) return x > 0 ? 1 : -1;
  const x2 = f32(x * x);
  let p = fmaf(x2, ALPHA9, ALPHA7);
  p = fmaf(x2, p, ALPHA5);
  p = fmaf(x2, p, ALPHA3);
  p = fmaf(x2, p, ALPHA1);
  p = f32(x * p);
  let q = fmaf(x2, BETA12, BETA10);
  q = fmaf(x2, q, BETA8);
  q = fmaf(x2, q, BETA6);
  q = fmaf(x2, q, BETA4);
  q = fmaf(x2, q, BETA2);
  q = fmaf(x2, q, 1);
  return f32(p / q);
}
