/**
 * One benchmark run: start a target's processes, wait until each is ready,
 * run the load generator as a separate process, sample the server's CPU and
 * memory over exactly the generator's measurement window, and stop
 * everything — always, even on error or interruption.
 */
import { loadOptionsToArgs, parseLoadOptions } from "./load_options.ts";
import {
  type BenchTarget,
  generatorTarget,
  isService,
} from "./bench_targets.ts";
import { mergeLoadSummaries } from "./load_merge.ts";
import type { LoadSummary } from "./load_run.ts";
import { ManagedProcess } from "./managed_process.ts";
import type { LoadClient } from "./net_websocket.ts";
import { type CoreSplit, onCores } from "./core_split.ts";
import {
  cpuPercent,
  type ProcessSample,
  ProcessSampler,
} from "./proc_sampler.ts";
import { waitForReady } from "./readiness.ts";
import type { RunResult, ServerFigures } from "./result_table.ts";
import { freePort, targetLaunch } from "./targets.ts";

/** Settings shared by every run of one benchmark. */
export interface RunContext {
  /** Repository root: the processes' working directory. */
  readonly root: string;
  readonly rate: number;
  /** Share of the service's sockets on the multiplexed route. */
  readonly muxRatio: number;
  /** Measurement window, seconds. */
  readonly duration: number;
  readonly deno: string;
  readonly node: string;
  /** V8 flags for the service's processes (not the peers'). */
  readonly serviceV8Flags?: string;
  /** Load generator processes per run, subscribers split between them. Default 1. */
  readonly generators?: number;
  /** The generators' WebSocket client. Default `net`. */
  readonly client?: LoadClient;
  /** Where servers and the outside world run; absent, every CPU for all. */
  readonly cores?: CoreSplit;
  /** Aborting stops the run (and its processes) as soon as possible. */
  readonly signal?: AbortSignal;
  /** Progress messages for the operator. */
  readonly log: (message: string) => void;
  /** Called once the target is ready, before the load starts (page weight, smoke checks). */
  readonly afterReady?: (kind: BenchTarget, url: string) => Promise<void>;
}

/** Longest wait for one process to answer its readiness URL. */
const READY_TIMEOUT_MS = 60_000;
/** Margin past the generator's own deadline before it is killed. */
const GENERATOR_KILL_MARGIN_MS = 15_000;

/** Runs `kind` with `subscribers` sockets; never throws, failures are results. */
export async function runTarget(
  kind: BenchTarget,
  subscribers: number,
  context: RunContext,
): Promise<RunResult> {
  const { root, rate, duration, signal } = context;
  const launch = targetLaunch(kind, {
    rate,
    port: freePort(),
    simulatorPort: freePort(),
    deno: context.deno,
    node: context.node,
    serviceV8Flags: context.serviceV8Flags,
  });
  const started: ManagedProcess[] = [];
  const samplers: ProcessSampler[] = [];
  const generators: ManagedProcess[] = [];
  let stage = "starting";
  try {
    let server: ManagedProcess | undefined;
    let simulator: ManagedProcess | undefined;
    for (const spec of launch.processes) {
      stage = `starting ${spec.name}`;
      const placed = onCores(
        spec.role === "server" ? context.cores?.server : context.cores?.outside,
        spec.command,
        spec.args,
      );
      const child = ManagedProcess.start({
        name: spec.name,
        ...placed,
        env: spec.env,
        cwd: root,
      });
      started.push(child);
      const exited = child.status.then((s) =>
        new Error(`${spec.name} exited early (code ${s.code})`)
      );
      const ready = waitForReady(spec.readyUrl, {
        timeoutMs: READY_TIMEOUT_MS,
        signal,
      });
      const outcome = await Promise.race([ready, exited]);
      if (outcome instanceof Error) throw outcome;
      if (spec.role === "server") server = child;
      else simulator = child;
    }
    if (!server) throw new Error(`Target ${kind} has no server process`);
    stage = "measuring";
    await context.afterReady?.(kind, launch.url);

    const serverSampler = new ProcessSampler(server.pid);
    samplers.push(serverSampler);
    const simulatorSampler = simulator && new ProcessSampler(simulator.pid);
    if (simulatorSampler) samplers.push(simulatorSampler);
    await serverSampler.mark("idle");

    const argsList = splitConnections(subscribers, context.generators ?? 1)
      .map((connections) =>
        loadOptionsToArgs({
          target: generatorTarget(kind),
          url: launch.url,
          connections,
          muxRatio: isService(kind) ? context.muxRatio : 0,
          duration,
          readyTimeout: 30,
          client: context.client,
        })
      );
    const generatorSamplers: ProcessSampler[] = [];
    const load = await runGenerators(argsList, context, {
      label: `${kind} ${subscribers}`,
      samplers,
      onStart: (process) => {
        generators.push(process);
        const sampler = new ProcessSampler(process.pid);
        generatorSamplers.push(sampler);
        samplers.push(sampler);
      },
    });
    const window = (s: ProcessSampler | undefined) =>
      s ? windowCpu(s.get("start"), s.get("end")) : null;
    const generatorCpu = generatorSamplers.map(window);
    return {
      target: kind,
      subscribers,
      ...runStatus(load),
      server: serverFigures(serverSampler, load.handshakes.accepted),
      generator_cpu_percent: generatorCpu.includes(null)
        ? null
        : generatorCpu.reduce((a, b) => a! + b!, 0),
      simulator_cpu_percent: window(simulatorSampler),
    };
  } catch (error) {
    const tails = started.map((p) =>
      `--- ${p.name} ---\n${p.tail().slice(-1_500)}`
    )
      .join("\n");
    return {
      target: kind,
      subscribers,
      status: "failed",
      error: `${stage}: ${(error as Error).message}${
        tails ? `\n${tails}` : ""
      }`,
    };
  } finally {
    for (const sampler of samplers) sampler.stop();
    for (const generator of generators) await generator.stop();
    for (const child of started.reverse()) await child.stop();
  }
}

/** `connections` split into `parts` counts as even as can be. */
export function splitConnections(connections: number, parts: number): number[] {
  const base = Math.floor(connections / parts);
  return Array.from(
    { length: Math.min(parts, connections) },
    (_, i) => base + (i < connections % parts ? 1 : 0),
  );
}

/**
 * Runs one load generator per entry of `argsList`, all at once, and merges
 * their summaries (`load_merge.ts`). The samplers are marked when the first
 * generator's window starts and when the last one's ends, so the server's
 * figures cover every window.
 */
export async function runGenerators(
  argsList: readonly (readonly string[])[],
  context: RunContext,
  hooks: GeneratorHooks,
): Promise<LoadSummary> {
  if (argsList.length === 1) return runGenerator(argsList[0], context, hooks);
  const marks: Promise<unknown>[] = [];
  let started = false;
  let ended = 0;
  const mark = (name: string) => {
    for (const sampler of hooks.samplers) marks.push(sampler.mark(name));
  };
  const summaries = await Promise.all(
    argsList.map((args, i) =>
      runGenerator(args, context, {
        label: `${hooks.label} [${i + 1}/${argsList.length}]`,
        samplers: [],
        onStart: hooks.onStart,
        onPhase: (phase) => {
          if (phase === "window-start" && !started) {
            started = true;
            mark("start");
          }
          if (phase === "window-end" && ++ended === argsList.length) {
            mark("end");
          }
          hooks.onPhase?.(phase);
        },
      })
    ),
  );
  await Promise.all(marks);
  return mergeLoadSummaries(summaries);
}

/** Hooks of {@linkcode runGenerator}. */
export interface GeneratorHooks {
  /** Prefix of the progress lines, e.g. `sentinel 1000`. */
  readonly label: string;
  /** Marked `start` and `end` at the window's phase markers. */
  readonly samplers: readonly ProcessSampler[];
  /** Called with the started generator (to sample it). */
  readonly onStart?: (process: ManagedProcess) => void;
  /** Called at each phase marker. */
  readonly onPhase?: (phase: string) => void;
}

/**
 * Runs the load generator with `args` as its own process, marks the
 * samplers at the window's start and end, and returns its summary. Throws
 * when it is interrupted, overruns its own deadline, or prints no summary.
 */
export async function runGenerator(
  args: readonly string[],
  context: RunContext,
  hooks: GeneratorHooks,
): Promise<LoadSummary> {
  const { signal, log } = context;
  const marks: Promise<unknown>[] = [];
  const stdout: string[] = [];
  const generator = ManagedProcess.start({
    name: "load generator",
    ...onCores(context.cores?.outside, context.deno, [
      "run",
      "--allow-net",
      "bench/load_generator.ts",
      ...args,
    ]),
    cwd: context.root,
    onStdoutLine: (line) => stdout.push(line),
    onStderrLine: (line) => {
      const phase = phaseOf(line);
      if (phase === "window-start" || phase === "window-end") {
        const name = phase === "window-start" ? "start" : "end";
        for (const sampler of hooks.samplers) marks.push(sampler.mark(name));
      }
      if (phase) {
        hooks.onPhase?.(phase);
        log(`  ${hooks.label}: ${phase}`);
      }
    },
  });
  hooks.onStart?.(generator);
  // The generator bounds itself; this is the backstop if it does not.
  const limitMs = parseLoadOptions([...args]).deadline * 1000 +
    GENERATOR_KILL_MARGIN_MS;
  const aborted = new Promise<null>((resolve) =>
    signal?.addEventListener("abort", () => resolve(null), { once: true })
  );
  const status = await Promise.race([generator.waitExit(limitMs), aborted]);
  await Promise.all(marks);
  if (status === null) {
    throw new Error(
      signal?.aborted
        ? "Interrupted"
        : `Load generator did not finish within ${limitMs / 1000} s`,
    );
  }
  const json = stdout.findLast((line) => line.startsWith("{"));
  if (!json) {
    throw new Error(
      `Load generator printed no summary (exit ${status.code}): ${
        generator.tail().slice(-1_500)
      }`,
    );
  }
  return JSON.parse(json) as LoadSummary;
}

/** A run's status, error and load from the generator's summary. */
export function runStatus(
  summary: LoadSummary,
): Pick<RunResult, "status" | "error" | "load"> {
  // The samples served merging; the result keeps the summaries they gave.
  const { histograms: _samples, ...load } = summary;
  return {
    status: load.aborted === null ? "ok" : "failed",
    error: load.aborted === null ? undefined : `Run cut short: ${load.aborted}`,
    load,
  };
}

/** The phase named by a generator stderr line, if it is a phase marker. */
export function phaseOf(line: string): string | undefined {
  if (!line.startsWith('{"event":"phase"')) return undefined;
  try {
    const phase = (JSON.parse(line) as { phase?: unknown }).phase;
    return typeof phase === "string" ? phase : undefined;
  } catch {
    return undefined;
  }
}

function windowCpu(
  start: ProcessSample | undefined,
  end: ProcessSample | undefined,
): number | null {
  if (!start || !end) return null;
  const percent = cpuPercent(start, end);
  return percent === null ? null : Math.round(percent * 10) / 10;
}

/** CPU over the window and RSS idle, loaded and per subscriber. */
export function serverFigures(
  sampler: Pick<ProcessSampler, "get" | "maxRssKb">,
  accepted: number,
): ServerFigures {
  const idle = sampler.get("idle");
  const end = sampler.get("end");
  const mb = (kb: number | undefined) =>
    kb === undefined ? null : Math.round(kb / 1024 * 10) / 10;
  return {
    cpu_percent: windowCpu(sampler.get("start"), end),
    rss_mb_idle: mb(idle?.rssKb),
    rss_mb_loaded: mb(end?.rssKb),
    rss_mb_max: mb(sampler.maxRssKb || undefined),
    rss_kb_per_subscriber: idle && end && accepted > 0
      ? Math.round((end.rssKb - idle.rssKb) / accepted * 10) / 10
      : null,
  };
}
