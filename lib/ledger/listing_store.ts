/**
 * The last listing read of each market, kept in KV, so a restart with
 * `SYMBOLS=all` follows what it knew at once — also when the exchange's
 * instruments endpoint is down — while the listing is read again.
 *
 * A listing is stored in chunks (a value must stay under KV's 64 KiB) and
 * replaced in one atomic commit, so a reader never sees half of two
 * listings.
 */
import type {
  MarketCategory,
  TrackedSymbol,
} from "../market/tracked_symbol.ts";

const PREFIX = ["listing"] as const;
/** Symbols per KV value: about 40 bytes each, well under 64 KiB. */
const CHUNK = 800;

/** Replaces the stored listing of `category` with `symbols`. */
export async function saveListing(
  kv: Deno.Kv,
  category: MarketCategory,
  symbols: readonly TrackedSymbol[],
): Promise<void> {
  const op = kv.atomic();
  for await (const entry of kv.list({ prefix: [...PREFIX, category] })) {
    op.delete(entry.key);
  }
  for (let i = 0; i * CHUNK < symbols.length; i++) {
    const pairs = symbols.slice(i * CHUNK, (i + 1) * CHUNK).map((s) => [
      s.id,
      s.upstream,
    ]);
    op.set([...PREFIX, category, i], pairs);
  }
  const result = await op.commit();
  if (!result.ok) throw new Error(`The ${category} listing was not saved`);
}

/** The stored listing of each market that has one. */
export async function loadListings(
  kv: Deno.Kv,
): Promise<Partial<Record<MarketCategory, TrackedSymbol[]>>> {
  const listings: Partial<Record<MarketCategory, TrackedSymbol[]>> = {};
  for await (
    const entry of kv.list<[string, string][]>({ prefix: [...PREFIX] })
  ) {
    const category = entry.key[1];
    if (category !== "spot" && category !== "linear") continue;
    if (!Array.isArray(entry.value)) continue;
    const list = listings[category] ??= [];
    for (const pair of entry.value) {
      if (
        Array.isArray(pair) && typeof pair[0] === "string" &&
        typeof pair[1] === "string"
      ) list.push({ id: pair[0], upstream: pair[1], category });
    }
  }
  return listings;
}
