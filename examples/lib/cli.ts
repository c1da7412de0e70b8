/** `--quick` (CI's smoke mode) and other flags shared by the examples. */
const argv = process.argv.slice(2);

/** True when the example should run a tiny version of itself (CI). */
export const quick = argv.includes("--quick") || process.env.HK_QUICK === "1";

/** True when `--flag` was given. */
export function flag(name: string): boolean {
  return argv.includes(`--${name}`);
}

/** The value after `--name` (`--save out.safetensors`), or undefined when the flag is absent. */
export function option(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? argv[i + 1] : undefined;
  if (i >= 0 && (value === undefined || value.startsWith("--")))
    throw new Error(`--${name} needs a value, e.g. --${name} out.safetensors`);
  return value;
}
