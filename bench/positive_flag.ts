/**
 * `--name=N` read from a small benchmark's arguments (`bench:ingest`,
 * `bench:history`): the ones with a handful of counts and no orchestrator
 * schema of their own.
 */

/**
 * The positive integer `--name=` gives in `args`, or `fallback` when it is
 * absent; a `RangeError` naming the flag for anything else.
 */
export function positiveIntegerFlag(
  args: readonly string[],
  name: string,
  fallback: number,
): number {
  const raw = args.find((a) => a.startsWith(`--${name}=`));
  const value = raw === undefined ? fallback : Number(raw.split("=")[1]);
  if (!(Number.isInteger(value) && value > 0)) {
    throw new RangeError(`--${name} must be a positive integer, got ${raw}`);
  }
  return value;
}
