/** `--quick` (CI's smoke mode) and other flags shared by the examples. */
export const argv = process.argv.slice(2);

/** True when the example should run a tiny version of itself (CI). */
export const quick = argv.includes("--quick") || process.env.HK_QUICK === "1";

/** True when `--flag` was given. */
export function flag(name: string): boolean {
  return argv.includes(`--${name}`);
}
