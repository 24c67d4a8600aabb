/**
 * A description of the machine a benchmark ran on, stored with the results:
 * figures from a 2-core shared box and a 32-core workstation are not
 * comparable, and the load average says whether others were busy too.
 */

/** What the results file records about the machine. */
export interface MachineInfo {
  readonly cpu_model: string;
  readonly cores: number;
  readonly memory_gb: number;
  readonly os: string;
  readonly deno: string;
  readonly v8: string;
  /** `node --version`, or null when Node.js is not installed. */
  readonly node: string | null;
  /** 1, 5 and 15 minute load averages when the benchmark started. */
  readonly loadavg_start: readonly number[];
}

/** The `model name` line of `/proc/cpuinfo` text, or "unknown". */
export function cpuModelFrom(cpuinfo: string): string {
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? "unknown";
}

/** Output of `command --version`, or null if it cannot run within 10 s. */
export async function commandVersion(command: string): Promise<string | null> {
  try {
    const output = await new Deno.Command(command, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(10_000),
    }).output();
    return output.success
      ? new TextDecoder().decode(output.stdout).trim()
      : null;
  } catch {
    return null;
  }
}

/** Reads the machine's description. */
export async function readMachineInfo(): Promise<MachineInfo> {
  let cpuinfo = "";
  try {
    cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
  } catch {
    // Not Linux: the model stays unknown.
  }
  return {
    cpu_model: cpuModelFrom(cpuinfo),
    cores: navigator.hardwareConcurrency,
    memory_gb: Math.round(Deno.systemMemoryInfo().total / 2 ** 30 * 10) / 10,
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    node: await commandVersion("node"),
    loadavg_start: Deno.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}
