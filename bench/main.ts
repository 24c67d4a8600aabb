/**
 * `deno task bench`: the fan-out benchmark. For each subscriber count and
 * each target (the service, a bare `Deno.serve` broadcast, a Node `ws`
 * broadcast, socket.io) it starts the server fresh, loads it from a separate
 * generator process, samples the server's CPU and memory, stops everything,
 * and finally prints a table of every figure with its ratio to the service
 * and writes `bench/results/<ISO time>.json` with the machine's description.
 *
 * Quick development check: `deno task bench --dry-run` (50 subscribers, 5 s).
 * See `bench/README.md` for every flag and what each figure means.
 */
import { BENCH_USAGE, parseBenchOptions } from "./bench_options.ts";
import { runTarget } from "./bench_run.ts";
import { type ClusterRunResult, runCluster } from "./cluster_run.ts";
import { coreSplitFor } from "./core_split.ts";
import { formatClusterTable } from "./cluster_table.ts";
import { OptionsError } from "./load_options.ts";
import { type BenchTarget, isService } from "./bench_targets.ts";
import { readMachineInfo } from "./machine_info.ts";
import { ManagedProcess } from "./managed_process.ts";
import { measurePageWeight, type PageWeight } from "./page_weight.ts";
import { ensurePeerDeps } from "./peer_deps.ts";
import { formatResultTable, type RunResult } from "./result_table.ts";
import { SENTINEL_FILES } from "./targets.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const PEERS_DIR = `${ROOT}/bench/peers`;

const log = (message: string) => console.error(`[bench] ${message}`);

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Why `kind` cannot run on this checkout/machine, or null if it can. */
async function unavailable(
  kind: BenchTarget,
  nodeVersion: string | null,
): Promise<string | null> {
  if (isService(kind)) {
    for (const file of SENTINEL_FILES) {
      if (!await exists(`${ROOT}/${file}`)) {
        return `${file} does not exist yet`;
      }
    }
    return null;
  }
  if ((kind === "ws" || kind === "socketio") && nodeVersion === null) {
    return "Node.js is not installed";
  }
  return null;
}

/** Connects the official socket.io client to the peer once (bounded). */
async function socketIoSmoke(url: string): Promise<string> {
  const smoke = ManagedProcess.start({
    name: "socket.io smoke",
    command: "node",
    args: [`${PEERS_DIR}/socketio_smoke.mjs`, url],
    raiseFileLimit: false,
  });
  const status = await smoke.waitExit(15_000);
  await smoke.stop();
  return status?.success ? "ok" : `failed: ${smoke.tail().trim().slice(-300)}`;
}

/** One line for the operator: gzip KB of JavaScript and CSS, or why n/a. */
function describePageWeight(weight: PageWeight): string {
  if (weight.status !== "ok") return `n/a (${weight.reason})`;
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  return `${
    kb(weight.js.gzip_bytes)
  } KB gzip JavaScript in ${weight.js.files} files, ${
    kb(weight.css.gzip_bytes)
  } KB gzip CSS (goal: JavaScript < 40 KB)`;
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseBenchOptions(Deno.args);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    console.error(`Invalid flags:\n${error.message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(BENCH_USAGE);
    return 0;
  }

  const controller = new AbortController();
  const interrupt = () => {
    log("interrupted: stopping every process");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", interrupt);
  Deno.addSignalListener("SIGTERM", interrupt);

  const startedAt = new Date();
  const machine = await readMachineInfo();
  log(
    `${machine.cpu_model}, ${machine.cores} cores, ${machine.memory_gb} GB; deno ${machine.deno}, node ${
      machine.node ?? "absent"
    }; load ${machine.loadavg_start.map((n) => n.toFixed(2)).join(" ")}`,
  );

  const skipped = new Map<BenchTarget, string>();
  for (const kind of options.targets) {
    const reason = await unavailable(kind, machine.node);
    if (reason) skipped.set(kind, reason);
  }
  const needsNode = options.targets.some((k) =>
    (k === "ws" || k === "ws-deno" || k === "socketio") && !skipped.has(k)
  );
  if (needsNode) {
    try {
      const installed = await ensurePeerDeps(PEERS_DIR);
      if (installed.length > 0) log(`installed ${installed.join(", ")}`);
    } catch (error) {
      for (const kind of ["ws", "ws-deno", "socketio"] as const) {
        skipped.set(kind, (error as Error).message);
      }
    }
  }

  // Filled by the first run of the service / of the socket.io peer.
  const checks: { pageWeight?: PageWeight; socketIoClient?: string } = {};
  const afterReady = async (kind: BenchTarget, url: string) => {
    if (kind === "sentinel" && !checks.pageWeight) {
      checks.pageWeight = await measurePageWeight(url);
      log(`page weight of /: ${describePageWeight(checks.pageWeight)}`);
    }
    if (kind === "socketio" && !checks.socketIoClient) {
      checks.socketIoClient = await socketIoSmoke(url);
      log(
        `socket.io official client against the peer: ${checks.socketIoClient}`,
      );
    }
  };

  const placement = await coreSplitFor(options.cores);
  log(`cores: ${placement.reason}`);
  // Repetitions go round the targets in turn, so a drift of the machine's
  // state over the run touches every target alike.
  const context = {
    root: ROOT,
    rate: options.rate,
    muxRatio: options.muxRatio,
    duration: options.duration,
    deno: Deno.execPath(),
    node: "node",
    serviceV8Flags: options.serviceV8Flags,
    generators: options.generators,
    client: options.client,
    cores: placement.split ?? undefined,
    signal: controller.signal,
    log,
  };
  const results: RunResult[] = [];
  const clusterResults: ClusterRunResult[] = [];
  const clusterTables: string[] = [];
  for (const subscribers of options.subscribers) {
    for (let repetition = 1; repetition <= options.repeat; repetition++) {
      for (const kind of options.targets) {
        if (controller.signal.aborted) break;
        const tag = options.repeat > 1 ? { repetition } : {};
        const reason = skipped.get(kind);
        if (reason) {
          results.push({
            target: kind,
            subscribers,
            ...tag,
            status: "skipped",
            error: reason,
          });
          continue;
        }
        log(
          `${kind} × ${subscribers} subscribers, ${options.duration} s window${
            options.repeat > 1 ? `, run ${repetition} of ${options.repeat}` : ""
          }`,
        );
        const result = await runTarget(kind, subscribers, {
          ...context,
          afterReady,
        });
        if (result.status !== "ok") {
          log(`${kind} ${result.status}: ${result.error}`);
        }
        results.push({ ...result, ...tag });
      }
    }
    if (options.cluster !== undefined && !controller.signal.aborted) {
      log(
        `cluster of ${options.cluster} × ${subscribers} subscribers, ${options.duration} s window`,
      );
      // The cluster's instances and Redis are started by the cluster run
      // itself, on every CPU: its generator shares them too.
      const cluster = await runCluster(options.cluster, subscribers, {
        ...context,
        cores: undefined,
      });
      if (cluster.status !== "ok") {
        log(`cluster ${cluster.status}: ${cluster.error}`);
      }
      clusterResults.push(cluster);
      const single = results.findLast((r) =>
        r.target === "sentinel" && r.subscribers === subscribers
      );
      clusterTables.push(formatClusterTable(single, cluster, Deno.loadavg()));
    }
  }

  console.log(
    formatResultTable(results, {
      ratePerSymbol: options.rate,
      durationSeconds: options.duration,
    }),
  );
  for (const table of clusterTables) console.log(table);
  console.log(
    `\npage weight of /: ${
      checks.pageWeight
        ? describePageWeight(checks.pageWeight)
        : "not measured (the service did not run)"
    }`,
  );

  const report = {
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    settings: {
      subscribers: options.subscribers,
      duration_s: options.duration,
      rate_per_symbol: options.rate,
      repeat: options.repeat,
      sentinel_mux_ratio: options.muxRatio,
      cluster: options.cluster ?? null,
      generators: options.generators,
      client: options.client,
      cores: placement.split ?? "shared",
      cores_reason: placement.reason,
      service_v8_flags: options.serviceV8Flags ?? null,
      targets: options.targets,
      dry_run: options.dryRun,
    },
    machine: {
      ...machine,
      loadavg_end: Deno.loadavg().map((n) => Math.round(n * 100) / 100),
    },
    page_weight: checks.pageWeight ?? null,
    socketio_official_client: checks.socketIoClient ?? null,
    results,
    cluster_results: clusterResults,
  };
  const dir = options.resultsDir.startsWith("/")
    ? options.resultsDir
    : `${ROOT}/${options.resultsDir}`;
  await Deno.mkdir(dir, { recursive: true });
  const file = `${dir}/${
    startedAt.toISOString().slice(0, 19).replaceAll(":", "-")
  }Z.json`;
  await Deno.writeTextFile(file, JSON.stringify(report, null, 2) + "\n");
  console.log(`results: ${file}`);

  Deno.removeSignalListener("SIGINT", interrupt);
  Deno.removeSignalListener("SIGTERM", interrupt);
  if (controller.signal.aborted) return 130;
  return [...results, ...clusterResults].some((r) => r.status === "failed")
    ? 1
    : 0;
}

if (import.meta.main) {
  main().then(
    (code) => Deno.exit(code),
    (error) => {
      console.error(`Benchmark failed: ${error?.stack ?? error}`);
      Deno.exit(1);
    },
  );
}
