/**
 * Keeps the hub's sequences across a graceful restart: on shutdown the
 * channels' history is saved; the next start restores it once and deletes it,
 * so clients resume with the same epoch and no gap. After a crash there is no
 * snapshot, the epoch changes and clients are told to reset.
 */
import type { ChannelEntry } from "../hub/channel.ts";
import type { HubSnapshot } from "../hub/stream_hub.ts";
import type { EngineEntry } from "../engine/stream_engine.ts";

const PREFIX = ["hub-snapshot"] as const;
/** Entries per KV value: keeps each value well under KV's 64 KiB limit. */
const CHUNK = 50;

/** Saves `snapshot`, replacing any earlier one. */
export async function saveHubSnapshot(
  kv: Deno.Kv,
  snapshot: HubSnapshot,
): Promise<void> {
  await deleteHubSnapshot(kv);
  const writes: Promise<unknown>[] = [];
  for (const [symbol, entries] of Object.entries(snapshot.channels)) {
    for (let i = 0; i * CHUNK < entries.length; i++) {
      const frames = entries.slice(i * CHUNK, (i + 1) * CHUNK).map((e) =>
        e.frame
      );
      writes.push(kv.set([...PREFIX, "channel", symbol, i], frames));
    }
  }
  await Promise.all(writes);
  // The epoch marks the snapshot complete: written last, so a save that fails
  // part-way is never restored with holes in its history.
  await kv.set([...PREFIX, "epoch"], snapshot.epoch);
}

/** Loads and deletes the saved snapshot; undefined when there is none. */
export async function takeHubSnapshot(
  kv: Deno.Kv,
): Promise<HubSnapshot | undefined> {
  const epoch = await kv.get<string>([...PREFIX, "epoch"]);
  if (typeof epoch.value !== "string") return undefined;
  const channels: Record<string, ChannelEntry[]> = {};
  const chunks = kv.list<ChannelEntry["frame"][]>({
    prefix: [...PREFIX, "channel"],
  });
  for await (const chunk of chunks) {
    const symbol = String(chunk.key[2]);
    const list = channels[symbol] ??= [];
    for (const frame of chunk.value) {
      list.push({ seq: frame.seq, frame, encoded: JSON.stringify(frame) });
    }
  }
  await deleteHubSnapshot(kv);
  return { epoch: epoch.value, channels };
}

async function deleteHubSnapshot(kv: Deno.Kv): Promise<void> {
  for await (const entry of kv.list({ prefix: [...PREFIX] })) {
    await kv.delete(entry.key);
  }
}

/**
 * A saved hub's history as stream engine entries (data = the frame's fields
 * after `seq`), for the memory engine to continue from.
 */
export function snapshotEntries(
  snapshot: HubSnapshot,
): Record<string, EngineEntry[]> {
  const channels: Record<string, EngineEntry[]> = {};
  for (const [symbol, entries] of Object.entries(snapshot.channels)) {
    channels[symbol] = entries.map(({ seq, frame }) => {
      const { type: _type, symbol: _symbol, seq: _seq, ...rest } = frame;
      return { channel: symbol, seq, data: JSON.stringify(rest) };
    });
  }
  return channels;
}
