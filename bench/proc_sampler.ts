/**
 * CPU time and memory of a process, read from Linux's `/proc`, so the
 * benchmark can say what each server spent to deliver what it delivered.
 * Parsing is pure; {@linkcode readProcessSample} is the thin I/O edge.
 */

/** One reading of a process. */
export interface ProcessSample {
  /** `performance.now()` when read, ms. */
  readonly at: number;
  /** User + system CPU time since the process started, seconds. */
  readonly cpuSeconds: number;
  /** Resident set size, KiB. */
  readonly rssKb: number;
  /** Peak resident set size, KiB. */
  readonly peakRssKb: number;
  readonly threads: number;
}

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`; 100 on Linux). */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * User + system CPU seconds from the text of `/proc/<pid>/stat`. The command
 * name (field 2) may hold spaces and parentheses, so fields are counted from
 * the last `)`.
 */
export function parseStatCpuSeconds(
  stat: string,
  ticksPerSecond = CLOCK_TICKS_PER_SECOND,
): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
  // After the name: state is field 3, utime field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new RangeError(`Unexpected /proc stat line: ${stat.slice(0, 120)}`);
  }
  return (utime + stime) / ticksPerSecond;
}

/** `VmRSS`, `VmHWM` (KiB) and `Threads` from the text of `/proc/<pid>/status`. */
export function parseStatus(
  status: string,
): { rssKb: number; peakRssKb: number; threads: number } {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status);
    return match ? Number(match[1]) : 0;
  };
  return {
    rssKb: field("VmRSS"),
    peakRssKb: field("VmHWM"),
    threads: field("Threads"),
  };
}

/** Reads `pid` now; null when the process is gone or /proc is unavailable. */
export async function readProcessSample(
  pid: number,
): Promise<ProcessSample | null> {
  try {
    const [stat, status] = await Promise.all([
      Deno.readTextFile(`/proc/${pid}/stat`),
      Deno.readTextFile(`/proc/${pid}/status`),
    ]);
    return {
      at: performance.now(),
      cpuSeconds: parseStatCpuSeconds(stat),
      ...parseStatus(status),
    };
  } catch {
    return null;
  }
}

/** CPU use between two samples as a percentage of one core. */
export function cpuPercent(
  from: ProcessSample,
  to: ProcessSample,
): number | null {
  const seconds = (to.at - from.at) / 1000;
  if (!(seconds > 0)) return null;
  return (to.cpuSeconds - from.cpuSeconds) / seconds * 100;
}

/** CPU seconds of each thread of a process at one moment. */
export interface ThreadSample {
  /** `performance.now()` when read, ms. */
  readonly at: number;
  /** Per thread id: its name (`comm`) and user + system CPU seconds. */
  readonly threads: ReadonlyMap<number, { name: string; cpuSeconds: number }>;
}

/** The thread name (`comm`, field 2) from the text of a `/proc/…/stat`. */
export function parseStatName(stat: string): string {
  return stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
}

/** Reads every thread of `pid` now; null when the process is gone. */
export async function readThreadSample(
  pid: number,
): Promise<ThreadSample | null> {
  try {
    const threads = new Map<number, { name: string; cpuSeconds: number }>();
    for await (const entry of Deno.readDir(`/proc/${pid}/task`)) {
      const stat = await Deno.readTextFile(
        `/proc/${pid}/task/${entry.name}/stat`,
      )
        .catch(() => undefined);
      if (stat === undefined) continue; // the thread ended meanwhile
      threads.set(Number(entry.name), {
        name: parseStatName(stat),
        cpuSeconds: parseStatCpuSeconds(stat),
      });
    }
    return { at: performance.now(), threads };
  } catch {
    return null;
  }
}

/**
 * CPU between two thread samples of process `pid` as percentages of one
 * core: its main thread (`main`, the thread whose id is the pid), threads
 * grouped by name otherwise (`worker-1`: a Web Worker; `V8 DefaultWorke`:
 * the collector's helpers; `tokio-runtime-w`: the runtime's I/O), rounded.
 * Threads that began after `from` count from zero.
 */
export function threadCpuPercent(
  pid: number,
  from: ThreadSample,
  to: ThreadSample,
): Record<string, number> {
  const seconds = (to.at - from.at) / 1000;
  const out: Record<string, number> = {};
  if (!(seconds > 0)) return out;
  for (const [tid, thread] of to.threads) {
    const spent = thread.cpuSeconds - (from.threads.get(tid)?.cpuSeconds ?? 0);
    const name = tid === pid ? "main" : thread.name;
    out[name] = (out[name] ?? 0) + spent / seconds * 100;
  }
  for (const name of Object.keys(out)) out[name] = Math.round(out[name]);
  return out;
}

/**
 * Samples a process every `intervalMs` until stopped, keeping the peak RSS
 * and the latest sample; {@linkcode mark} takes an extra sample on demand
 * (phase boundaries).
 */
export class ProcessSampler {
  readonly #pid: number;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #marks = new Map<string, ProcessSample>();
  #maxRssKb = 0;
  #last: ProcessSample | null = null;

  /** Starts sampling `pid` every `intervalMs` (default 500). */
  constructor(pid: number, intervalMs = 500) {
    this.#pid = pid;
    this.#timer = setInterval(() => void this.#sample(), intervalMs);
  }

  /** Takes a sample now and keeps it under `name`. */
  async mark(name: string): Promise<ProcessSample | null> {
    const sample = await this.#sample();
    if (sample) this.#marks.set(name, sample);
    return sample;
  }

  /** The sample kept under `name`, if any. */
  get(name: string): ProcessSample | undefined {
    return this.#marks.get(name);
  }

  /** Largest RSS seen by any sample, KiB. */
  get maxRssKb(): number {
    return this.#maxRssKb;
  }

  /** Stops the periodic sampling. */
  stop(): void {
    clearInterval(this.#timer);
  }

  async #sample(): Promise<ProcessSample | null> {
    const sample = await readProcessSample(this.#pid);
    if (sample) {
      this.#last = sample;
      this.#maxRssKb = Math.max(this.#maxRssKb, sample.rssKb, sample.peakRssKb);
    }
    return sample ?? this.#last;
  }
}
