/**
 * `deno task bench:history`: what holding every channel's history costs the
 * single-process service — CPU per tick, garbage collection included, and
 * resident memory — with a whole market tracked.
 *
 * Each tick goes where a published tick goes: numbered and kept by the
 * memory engine's store, then appended to the hub's channel. 1,000 channels
 * of 300 ticks (`--channels=`, `--history=`) are filled first, then
 * `--ticks=` more (default 1.5 M) are timed, each a fresh ~450-byte text
 * as `tickData` makes it. The figures are the process's own CPU time (user +
 * system, so V8's helper threads count) per tick, wall time, RSS and V8
 * heap at the end. The measurement runs in a child started with the V8
 * flags of `deno task start`, since they decide how often the old
 * generation, where history lives, is collected.
 *
 * Compare runs made side by side: the load average is printed with them.
 */
import { MemoryEngineStore } from "../lib/engine/memory_engine.ts";
import { Channel } from "../lib/hub/channel.ts";
import { tickEntry } from "../lib/hub/tick_codec.ts";
import { repoStartTaskV8Flags } from "../scripts/service_args.ts";
import { readProcessSample } from "./proc_sampler.ts";
import { positiveIntegerFlagOrExit } from "./positive_flag.ts";

const flag = (name: string, fallback: number) =>
  positiveIntegerFlagOrExit("bench:history", name, fallback);

/** The tick text for the `i`th tick: the shape and size of a real one. */
function tickText(i: number): string {
  return `{"ts":${1_795_800_000_000 + i},"price":"${(i % 9_973) / 7}",` +
    `"high":"71250.1","low":"69001.5","volume":"12345.678","change":-0.42,` +
    `"spread":0.0012,"is_whale":false,"whale_alert":false,` +
    `"whale_threshold":250000,"tier":"calm","range_position":0.61,` +
    `"velocity":0.0003,"upstream_ts":${1_795_800_000_000 + i},` +
    `"source":"ws","mark_price":"70001.2","index_price":"70000.9",` +
    `"open_interest":"51234.5","open_interest_value":"3586415000.12",` +
    `"funding_rate":"0.0001","next_funding_time":1795824000000}`;
}

/** The counts the flags ask for (a bad one ends the process). */
function counts() {
  return {
    channels: flag("channels", 1_000),
    history: flag("history", 300),
    ticks: flag("ticks", 1_500_000),
  };
}

async function measure(): Promise<void> {
  const { channels, history, ticks } = counts();
  const store = new MemoryEngineStore({ historySize: history });
  const names = Array.from({ length: channels }, (_, i) => `SYM${i}-USDT`);
  const hub = names.map((name) => new Channel(name, history));
  const publish = (i: number) => {
    const name = names[i % channels];
    const state = store.channel(name);
    const entry = { channel: name, seq: ++state.seq, data: tickText(i) };
    store.append(state, entry);
    hub[i % channels].append(tickEntry(name, entry.seq, entry.data));
  };
  const fill = channels * history;
  for (let i = 0; i < fill; i++) publish(i);
  const before = await readProcessSample(Deno.pid);
  for (let i = fill; i < fill + ticks; i++) publish(i);
  const after = await readProcessSample(Deno.pid);
  if (!before || !after) throw new Error("/proc is not readable here");
  const cpuSeconds = after.cpuSeconds - before.cpuSeconds;
  const memory = Deno.memoryUsage();
  console.log(JSON.stringify({
    channels,
    history,
    ticks,
    cpu_s: Number(cpuSeconds.toFixed(2)),
    cpu_us_per_tick: Number((cpuSeconds * 1e6 / ticks).toFixed(2)),
    wall_s: Number(((after.at - before.at) / 1000).toFixed(2)),
    rss_mb: Math.round(after.rssKb / 1024),
    heap_used_mb: Math.round(memory.heapUsed / 2 ** 20),
  }));
}

if (Deno.args.includes("--child")) {
  await measure();
} else {
  counts();
  const v8Flags = repoStartTaskV8Flags();
  const loadavg = (await Deno.readTextFile("/proc/loadavg")).split(" ");
  console.log(
    `load average ${loadavg.slice(0, 3).join(" ")}; V8 flags ${v8Flags}`,
  );
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
      new URL(import.meta.url).pathname,
      "--child",
      ...Deno.args,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  Deno.exit(code);
}
