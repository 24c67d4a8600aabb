/**
 * A listing change told to every instance of a shared stream engine. With
 * `SYMBOLS=all` every instance reads the exchange's listing on its own
 * schedule; the leader, whose ingestion streams the new listing, also
 * announces each change on the engine's control channel, so a follower opens
 * (or drops) the channels at once instead of ignoring the new symbols' ticks
 * until its own next read, up to `INSTRUMENTS_REFRESH_SECONDS` later.
 *
 * The announcement carries the change, not the whole listing: a whole
 * market's listing can pass what one entry of the KV engine holds (64 KiB),
 * and a change is small. A large change (the first read of a market) is cut
 * into several announcements. Pure: building and applying are functions.
 */
import {
  MARKET_CATEGORIES,
  type MarketCategory,
  type TrackedSymbol,
} from "../market/tracked_symbol.ts";

/** Symbols one announcement names at most (about 25 KB of JSON). */
export const LISTING_ANNOUNCEMENT_MAX = 500;

/** A listing change announced on the control channel. */
export interface ListingAnnouncement {
  readonly kind: "listing";
  readonly market: MarketCategory;
  /** Listed since: `[channel id, exchange symbol]`. */
  readonly added: readonly (readonly [string, string])[];
  /** Channel ids delisted. */
  readonly removed: readonly string[];
}

/** The announcements that tell `market`'s change (none when it is empty). */
export function listingAnnouncements(
  market: MarketCategory,
  change: {
    readonly added: readonly TrackedSymbol[];
    readonly removed: readonly TrackedSymbol[];
  },
): ListingAnnouncement[] {
  const names: ({ add: [string, string] } | { remove: string })[] = [
    ...change.removed.map((s) => ({ remove: s.id })),
    ...change.added.map((s) => ({
      add: [s.id, s.upstream] as [string, string],
    })),
  ];
  const out: ListingAnnouncement[] = [];
  for (let i = 0; i < names.length; i += LISTING_ANNOUNCEMENT_MAX) {
    const part = names.slice(i, i + LISTING_ANNOUNCEMENT_MAX);
    out.push({
      kind: "listing",
      market,
      added: part.flatMap((n) => "add" in n ? [n.add] : []),
      removed: part.flatMap((n) => "remove" in n ? [n.remove] : []),
    });
  }
  return out;
}

/**
 * `market`'s listing after `event`, from the symbols followed now: the
 * removed ones leave, the added ones join (at the end, once each).
 */
export function announcedListing(
  current: readonly TrackedSymbol[],
  event: ListingAnnouncement,
): TrackedSymbol[] {
  const removed = new Set(event.removed);
  const listing = current.filter((s) =>
    s.category === event.market && !removed.has(s.id)
  );
  const known = new Set(listing.map((s) => s.id));
  for (const [id, upstream] of event.added) {
    if (known.has(id) || removed.has(id)) continue;
    known.add(id);
    listing.push({ id, upstream, category: event.market });
  }
  return listing;
}

/** `value` as a listing announcement, or undefined when it is not one. */
export function asListingAnnouncement(
  value: Record<string, unknown>,
): ListingAnnouncement | undefined {
  const { market, added, removed } = value;
  if (!MARKET_CATEGORIES.includes(market as MarketCategory)) return undefined;
  if (!Array.isArray(added) || !Array.isArray(removed)) return undefined;
  const pairOk = (p: unknown) =>
    Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "string");
  if (!added.every(pairOk)) return undefined;
  if (!removed.every((id) => typeof id === "string")) return undefined;
  return value as unknown as ListingAnnouncement;
}
