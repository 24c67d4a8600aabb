/**
 * Which CPUs the server under test runs on, and which the rest of the world
 * does. In production the subscribers and the exchange are other machines;
 * here they are the load generator and the simulator, on the same few cores
 * as the server. Sharing two cores, the server's threads and the
 * generator's wake each other onto one core and wait there, and the figures
 * then describe the scheduler as much as the server (bench/README.md,
 * "Servers on their own cores"). With the machine split, every target's
 * server processes get the first half of the CPUs and the generators and the
 * simulator the other half — the same for every target.
 *
 * Processes are placed with `taskset` (util-linux), at start.
 */

/** CPU lists for `taskset -c`. */
export interface CoreSplit {
  /** The server processes of a target (the service, its worker included). */
  readonly server: string;
  /** The load generators and the exchange simulator. */
  readonly outside: string;
}

/** Values of `--cores`. */
export const CORE_MODES = ["split", "shared"] as const;
/** A value of `--cores`. */
export type CoreMode = typeof CORE_MODES[number];

/**
 * The first half of `cpuCount` CPUs (rounded down) for the servers, the
 * rest for the outside world; null below two CPUs, where there is nothing to
 * split.
 */
export function splitCores(cpuCount: number): CoreSplit | null {
  if (!Number.isInteger(cpuCount) || cpuCount < 2) return null;
  const half = Math.floor(cpuCount / 2);
  const range = (from: number, to: number) =>
    from === to ? String(from) : `${from}-${to}`;
  return { server: range(0, half - 1), outside: range(half, cpuCount - 1) };
}

/** `command args` started on `cpus` through `taskset`; unchanged without. */
export function onCores(
  cpus: string | undefined,
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  if (cpus === undefined) return { command, args: [...args] };
  return { command: "taskset", args: ["-c", cpus, command, ...args] };
}

/**
 * The split for `mode` on this machine, or null (shared cores) with the
 * reason: asked to share, one CPU, or no `taskset` to place processes.
 */
export async function coreSplitFor(
  mode: CoreMode,
  cpuCount = navigator.hardwareConcurrency,
): Promise<{ split: CoreSplit | null; reason: string }> {
  if (mode === "shared") return { split: null, reason: "--cores=shared" };
  const split = splitCores(cpuCount);
  if (split === null) {
    return { split: null, reason: `${cpuCount} CPU: nothing to split` };
  }
  try {
    const { success } = await new Deno.Command("taskset", {
      args: ["-c", split.server, "true"],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!success) {
      return { split: null, reason: "taskset cannot place processes here" };
    }
  } catch {
    return { split: null, reason: "no taskset (util-linux) on this machine" };
  }
  return {
    split,
    reason:
      `servers on CPU ${split.server}, generators and simulator on CPU ${split.outside}`,
  };
}
