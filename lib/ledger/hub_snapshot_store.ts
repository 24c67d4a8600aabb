/**
 * Keeps the hub's sequences across a graceful restart: on shutdown the
 * channels' history is saved; the next start restores it once and deletes it,
 * so clients resume with the same epoch and no gap. After a crash there is no
 * snapshot, the epoch changes and clients are told to reset.
 */
import { encodedEntry, entryData } from "../hub/tick_codec.ts";
import type { ChannelEntry } from "../hub/channel.ts";
import type { HubSnapshot } from "../hub/stream_hub.ts";
import type { EngineEntry } from "../engine/stream_engine.ts";

const PREFIX = ["hub-snapshot"] as const;
/**
 * Encoded text per KV value: well under KV's 64 KiB limit. Entries are kept
 * as their wire text (never decoded): a whole market's history — a thousand
 * channels of 300 ticks — saves and loads in seconds, not minutes.
 */
const CHUNK_CHARS = 48_000;
/** Writes per atomic commit, and their text: within KV's limits. */
const BATCH_WRITES = 12;
const BATCH_CHARS = 600_000;
/** Deletes per atomic commit. */
const BATCH_DELETES = 500;

/** One stored chunk: `[seq, encoded]` pairs, oldest first. */
type Chunk = [number, string][];

/** Saves `snapshot`, replacing any earlier one. */
export async function saveHubSnapshot(
  kv: Deno.Kv,
  snapshot: HubSnapshot,
): Promise<void> {
  await deleteHubSnapshot(kv);
  let op = kv.atomic();
  let writes = 0;
  let chars = 0;
  const flush = async () => {
    if (writes === 0) return;
    const result = await op.commit();
    if (!result.ok) throw new Error("Saving the stream snapshot failed");
    op = kv.atomic();
    writes = 0;
    chars = 0;
  };
  for (const [symbol, entries] of Object.entries(snapshot.channels)) {
    let chunk: Chunk = [];
    let size = 0;
    let index = 0;
    const put = async () => {
      if (chunk.length === 0) return;
      if (writes >= BATCH_WRITES || chars + size > BATCH_CHARS) await flush();
      op.set([...PREFIX, "channel", symbol, index++], chunk);
      writes++;
      chars += size;
      chunk = [];
      size = 0;
    };
    for (const entry of entries) {
      if (size + entry.encoded.length > CHUNK_CHARS) await put();
      chunk.push([entry.seq, entry.encoded]);
      size += entry.encoded.length;
    }
    await put();
  }
  await flush();
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
  const chunks = kv.list<Chunk>({ prefix: [...PREFIX, "channel"] });
  for await (const chunk of chunks) {
    const symbol = String(chunk.key[2]);
    const list = channels[symbol] ??= [];
    for (const [seq, encoded] of chunk.value) {
      list.push(encodedEntry(seq, encoded));
    }
  }
  await deleteHubSnapshot(kv);
  return { epoch: epoch.value, channels };
}

async function deleteHubSnapshot(kv: Deno.Kv): Promise<void> {
  let op = kv.atomic();
  let count = 0;
  for await (const entry of kv.list({ prefix: [...PREFIX] })) {
    op.delete(entry.key);
    if (++count % BATCH_DELETES === 0) {
      await op.commit();
      op = kv.atomic();
    }
  }
  if (count % BATCH_DELETES !== 0) await op.commit();
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
    channels[symbol] = entries.map((entry) => ({
      channel: symbol,
      seq: entry.seq,
      data: entryData(entry),
    }));
  }
  return channels;
}
