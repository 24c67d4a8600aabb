/**
 * How a script or a benchmark starts the service as its own process: `deno
 * run` with the V8 flags `deno task start` uses, read from `deno.json` so
 * the benchmarks measure the service as it runs and the flags live in one
 * place.
 */

/** The `--v8-flags=…` value of `deno task start`, or null if it sets none. */
export function startTaskV8Flags(denoJson: string): string | null {
  const config = JSON.parse(denoJson) as { tasks?: Record<string, string> };
  const start = config.tasks?.start;
  if (typeof start !== "string") {
    throw new Error("deno.json has no start task");
  }
  return /(?:^|\s)--v8-flags=(\S+)/.exec(start)?.[1] ?? null;
}

/** The `--v8-flags=…` value of this repository's start task, or null. */
export function repoStartTaskV8Flags(): string | null {
  return startTaskV8Flags(
    Deno.readTextFileSync(new URL("../deno.json", import.meta.url)),
  );
}

/**
 * `deno run` arguments of the service (`main.ts`, all permissions): the start
 * task's V8 flags, then `extraV8Flags` (later flags win in V8), then any
 * `denoFlags` such as `--cpu-prof`.
 */
export function serviceRunArgs(
  options: { extraV8Flags?: string; denoFlags?: readonly string[] } = {},
): string[] {
  const own = repoStartTaskV8Flags();
  const v8Flags = [own, options.extraV8Flags].filter(Boolean).join(",");
  return [
    "run",
    "--allow-all",
    ...(options.denoFlags ?? []),
    ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
    "main.ts",
  ];
}
