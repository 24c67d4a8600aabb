/**
 * One `--cluster=N` run: the service as N instances on one Redis engine,
 * sharing one port with `REUSE_PORT` (the kernel spreads the generator's
 * sockets over them), fed by one simulator through the leader. Measured like
 * the single-instance run (same generator, same window), plus what only a
 * cluster has: the engine's added latency (leader publish → delivery on each
 * follower, from their `/api/metrics`), and the failover time after a
 * SIGKILL of the leader (until a survivor leads and a probe socket receives
 * the next seq, with no reset).
 */
import { startRedisServer } from "../lib/engine/redis_server_process.ts";
import type { EngineMetrics } from "../lib/protocol/api_types.ts";
import type { RunContext } from "./bench_run.ts";
import { runGenerator, runStatus, serverFigures } from "./bench_run.ts";
import { loadOptionsToArgs } from "./load_options.ts";
import { ManagedProcess } from "./managed_process.ts";
import { cpuPercent, ProcessSampler } from "./proc_sampler.ts";
import { waitForReady } from "./readiness.ts";
import type { RunResult } from "./result_table.ts";
import { freePort, serviceEnv, simulatorSpec } from "./targets.ts";
import { serviceRunArgs } from "../scripts/service_args.ts";

/** What a cluster run measures besides the load summary. */
export interface ClusterFigures {
  readonly instances: number;
  /** Sockets each instance held at the end of the window. */
  readonly sockets_per_instance: readonly number[];
  /** Engine publish → delivery on the followers, ms (p50, p99: worst follower). */
  readonly engine_latency_ms: { p50: number | null; p99: number | null };
  /** SIGKILL of the leader → a survivor leads, ms. */
  readonly failover_lead_ms: number | null;
  /** SIGKILL of the leader → the next tick on a probe socket, ms. */
  readonly failover_tick_ms: number | null;
  /** The probe socket saw no reset and no repeated seq across the failover. */
  readonly failover_clean: boolean | null;
  /** CPU of every instance over the window, % of one core each. */
  readonly instance_cpu_percent: readonly (number | null)[];
  readonly redis_cpu_percent: number | null;
}

/** A cluster run's result: a service row plus {@linkcode ClusterFigures}. */
export interface ClusterRunResult extends RunResult {
  readonly cluster?: ClusterFigures;
}

const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 60_000;

/** Runs N instances on Redis under `subscribers` sockets; never throws. */
export async function runCluster(
  instances: number,
  subscribers: number,
  context: RunContext,
): Promise<ClusterRunResult> {
  const { root, rate, duration, deno, log } = context;
  const started: ManagedProcess[] = [];
  const samplers: ProcessSampler[] = [];
  let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  let stage = "starting redis-server";
  try {
    redis = await startRedisServer();
    const simPort = freePort();
    stage = "starting the simulator";
    const spec = simulatorSpec(deno, simPort, rate);
    const simulator = ManagedProcess.start({ ...spec, cwd: root });
    started.push(simulator);
    await waitForReady(spec.readyUrl, {
      timeoutMs: READY_TIMEOUT_MS,
      signal: context.signal,
    });
    const shared = freePort();
    const nodes: { process: ManagedProcess; url: string }[] = [];
    for (let i = 1; i <= instances; i++) {
      stage = `starting instance ${i}`;
      const own = freePort();
      const process = ManagedProcess.start({
        name: `sentinel-${i}`,
        command: deno,
        args: serviceRunArgs({ extraV8Flags: context.serviceV8Flags }),
        env: {
          ...serviceEnv(shared, simPort, rate),
          INSTANCE_PORT: String(own),
          INSTANCE_ID: `node-${i}`,
          REUSE_PORT: "true",
          STREAM_ENGINE: "redis",
          REDIS_URL: redis.url,
        },
        cwd: root,
      });
      started.push(process);
      const url = `http://${HOST}:${own}`;
      await waitForReady(`${url}/api/health`, {
        timeoutMs: READY_TIMEOUT_MS,
        signal: context.signal,
      });
      nodes.push({ process, url });
    }
    stage = "measuring";
    const sharedUrl = `http://${HOST}:${shared}`;
    const nodeSamplers = nodes.map((n) => new ProcessSampler(n.process.pid));
    const redisSampler = new ProcessSampler(redis.pid);
    samplers.push(...nodeSamplers, redisSampler);
    await Promise.all(nodeSamplers.map((s) => s.mark("idle")));

    const args = loadOptionsToArgs({
      target: "sentinel",
      url: sharedUrl,
      connections: subscribers,
      muxRatio: context.muxRatio,
      duration,
      readyTimeout: 30,
    });
    let atWindowEnd: Promise<number[]> | undefined;
    const load = await runGenerator(args, context, {
      label: `cluster×${instances} ${subscribers}`,
      samplers,
      onStart: (process) => started.push(process),
      onPhase: (phase) => {
        if (phase !== "window-end") return;
        atWindowEnd = Promise.all(
          nodes.map((n) => engineOf(n.url).then((m) => m?.sockets ?? 0)),
        );
      },
    });

    const metrics = await Promise.all(nodes.map((n) => engineOf(n.url)));
    const followers = metrics.filter((m) => m && m.engine.leader === 0);
    const worst = (pick: (e: EngineMetrics) => number | null) => {
      const values = followers.map((m) => pick(m!.engine))
        .filter((v): v is number => v !== null);
      return values.length === 0 ? null : Math.max(...values);
    };
    const cpu = (s: ProcessSampler) => {
      const start = s.get("start");
      const end = s.get("end");
      const percent = start && end ? cpuPercent(start, end) : null;
      return percent === null ? null : Math.round(percent * 10) / 10;
    };
    stage = "failover";
    const failover = await measureFailover(nodes, metrics, log);
    return {
      target: "sentinel",
      subscribers,
      ...runStatus(load),
      server: serverFigures(nodeSamplers[0], load.handshakes.accepted),
      cluster: {
        instances,
        sockets_per_instance: await atWindowEnd ?? [],
        engine_latency_ms: {
          p50: worst((e) => e.delivery_latency_ms.p50),
          p99: worst((e) => e.delivery_latency_ms.p99),
        },
        ...failover,
        instance_cpu_percent: nodeSamplers.map(cpu),
        redis_cpu_percent: cpu(redisSampler),
      },
    };
  } catch (error) {
    return {
      target: "sentinel",
      subscribers,
      status: "failed",
      error: `cluster ${stage}: ${(error as Error).message}\n${
        started.map((p) => `--- ${p.name} ---\n${p.tail().slice(-800)}`)
          .join("\n")
      }`,
    };
  } finally {
    for (const sampler of samplers) sampler.stop();
    for (const child of started.reverse()) await child.stop();
    await redis?.stop();
  }
}

async function engineOf(
  url: string,
): Promise<{ engine: EngineMetrics; sockets: number } | undefined> {
  try {
    const body = await (await fetch(`${url}/api/metrics`)).json();
    return { engine: body.engine, sockets: body.sockets_active };
  } catch {
    return undefined;
  }
}

/**
 * Kills the leader with SIGKILL and times, from the kill, the moment a
 * survivor reports itself leader and the next tick on a probe socket opened
 * on a survivor beforehand.
 */
async function measureFailover(
  nodes: readonly { process: ManagedProcess; url: string }[],
  metrics: readonly ({ engine: EngineMetrics } | undefined)[],
  log: (message: string) => void,
): Promise<
  Pick<
    ClusterFigures,
    "failover_lead_ms" | "failover_tick_ms" | "failover_clean"
  >
> {
  const leaderIndex = metrics.findIndex((m) => m?.engine.leader === 1);
  if (leaderIndex < 0 || nodes.length < 2) {
    return {
      failover_lead_ms: null,
      failover_tick_ms: null,
      failover_clean: null,
    };
  }
  const survivors = nodes.filter((_, i) => i !== leaderIndex);
  const probeUrl = survivors[0].url.replace(/^http/, "ws") +
    "/ws/price/BTC-USDT?history=0";
  const probe = new WebSocket(probeUrl);
  const seqs: number[] = [];
  let reset = false;
  let lastAt = 0;
  probe.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "reset") reset = true;
    if (frame.type === "tick") {
      seqs.push(frame.seq);
      lastAt = performance.now();
    }
  };
  await new Promise((resolve) => (probe.onopen = resolve));
  const deadline = performance.now() + 30_000;
  while (seqs.length < 3 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const killedAt = performance.now();
  const before = seqs.length;
  nodes[leaderIndex].process.kill("SIGKILL");
  let leadAt: number | null = null;
  while (performance.now() < deadline + 30_000) {
    if (leadAt === null) {
      const roles = await Promise.all(
        survivors.map((n) => engineOf(n.url).then((m) => m?.engine.leader)),
      );
      if (roles.includes(1)) leadAt = performance.now();
    }
    // A tick published after the kill: the new leader's first.
    if (leadAt !== null && lastAt > leadAt - 1 && seqs.length > before) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  probe.close();
  // Under overload the slow-consumer policy may conflate (skip) seqs by
  // design; what a failover must never do is reset or repeat.
  const increasing = seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]);
  const result = {
    failover_lead_ms: leadAt === null ? null : Math.round(leadAt - killedAt),
    failover_tick_ms: lastAt > killedAt ? Math.round(lastAt - killedAt) : null,
    failover_clean: !reset && increasing,
  };
  log(
    `  failover: leader after ${result.failover_lead_ms} ms, next tick after ${result.failover_tick_ms} ms, clean ${result.failover_clean}`,
  );
  return result;
}
