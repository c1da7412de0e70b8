/** The order statistics the benchmarks report. */

/** The median (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The `q` quantile, as the nearest order statistic. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round(q * (s.length - 1)))]!;
}

/** A measured system: its label and every repeat's rate, in repeat order (null where it failed). */
export interface RateSamples {
  label: string;
  stepsPerSecSamples?: unknown;
}

/**
 * The median over repeats of rate(a) / rate(b) within the same repeat. The two children of a
 * repeat run back to back, so a load change on this shared machine (single repeats of one system
 * vary by up to 30%) moves this less than a ratio of two medians.
 */
export function pairedRatio(rows: readonly RateSamples[], a: string, b: string): number | undefined {
  const sa = rows.find((r) => r.label === a)?.stepsPerSecSamples as (number | null)[] | undefined;
  const sb = rows.find((r) => r.label === b)?.stepsPerSecSamples as (number | null)[] | undefined;
  if (!sa || !sb) return undefined;
  const ratios = sa.flatMap((v, i) => (v !== null && sb[i] != null ? [v / sb[i]!] : []));
  return ratios.length ? median(ratios) : undefined;
}
