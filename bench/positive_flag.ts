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

/**
 * {@linkcode positiveIntegerFlag} for a benchmark's command line: a bad value
 * prints `command: message` and ends the process with code 2, as the other
 * benchmarks answer bad flags, instead of a stack trace.
 */
export function positiveIntegerFlagOrExit(
  command: string,
  name: string,
  fallback: number,
): number {
  try {
    return positiveIntegerFlag(Deno.args, name, fallback);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    console.error(`${command}: ${error.message}`);
    Deno.exit(2);
  }
}
