/**
 * Following the exchange's listing at runtime (`SYMBOLS=all`): what to follow
 * at start (the last listing saved per market, the configured defaults for a
 * market never read), then a {@linkcode ListingWatcher} that reads each
 * market's instruments again every `INSTRUMENTS_REFRESH_SECONDS` and hands
 * each change to the {@linkcode MarketCatalog}, which tells every part. The
 * listing is saved for the next start; failures and refusals are logged with
 * what is followed meanwhile.
 *
 * With a shared stream engine every instance reads the listing itself (a few
 * requests an hour): its hub and routes follow it, and only the leader's
 * ingestion streams it. The leader also announces each change it read on the
 * engine's control channel, and the followers follow it at once
 * ({@linkcode followAnnouncement}).
 */
import type { Clock } from "../clock/clock.ts";
import type { ServiceConfig } from "../config/load_config.ts";
import type { MarketListing } from "../ingestion/bybit/instruments_client.ts";
import { ListingWatcher } from "../ingestion/listing/listing_watcher.ts";
import { loadListings, saveListing } from "../ledger/listing_store.ts";
import type {
  MarketCategory,
  TrackedSymbol,
} from "../market/tracked_symbol.ts";
import type { Logger } from "../observability/logger.ts";
import type {
  CatalogParts,
  ListingChange,
  MarketCatalog,
} from "./market_catalog.ts";
import {
  announcedListing,
  type ListingAnnouncement,
} from "./listing_announcement.ts";

/** The symbols followed at start, and whether a saved listing gave them. */
export interface KnownSymbols {
  readonly symbols: TrackedSymbol[];
  readonly saved: boolean;
}

/**
 * What to follow at start: the configured symbols, or with `SYMBOLS=all` the
 * last listing saved of each market (the configured defaults for a market
 * never read).
 */
export async function knownSymbols(
  config: ServiceConfig,
  kv: Deno.Kv,
): Promise<KnownSymbols> {
  if (!config.followAll) return { symbols: [...config.symbols], saved: false };
  const saved = await loadListings(kv);
  let any = false;
  const symbols = config.markets.flatMap((market) => {
    const listing = saved[market];
    if (listing !== undefined && listing.length > 0) {
      any = true;
      return listing;
    }
    return config.symbols.filter((s) => s.category === market);
  });
  return { symbols, saved: any };
}

/** Options of {@linkcode followListing}. */
export interface ListingFollowOptions {
  readonly config: ServiceConfig;
  readonly kv: Deno.Kv;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly catalog: MarketCatalog;
  readonly parts: CatalogParts;
  /** `fetch` of the instruments listing. Default: global. */
  readonly fetch?: typeof fetch;
  /** Told the channel ids a change added, after every part knows them. */
  readonly onAdded?: (ids: readonly string[]) => void;
  /** Told each change a read of the listing made (not an announced one). */
  readonly onChange?: (market: MarketCategory, change: ListingChange) => void;
}

/**
 * Applies `symbols` as `market`'s listing: every part learns the change, it
 * is logged and saved for the next start. Returns the change.
 */
function applyListing(
  options: ListingFollowOptions,
  market: MarketCategory,
  symbols: readonly TrackedSymbol[],
): ListingChange {
  const { kv, logger, clock, catalog, parts } = options;
  const change = catalog.apply(market, symbols, parts, clock.now());
  if (change.added.length > 0) {
    options.onAdded?.(change.added.map((s) => s.id));
    logger.info("New listings followed", {
      market,
      count: change.added.length,
      symbols: change.added.slice(0, 20).map((s) => s.id).join(","),
    });
  }
  if (change.removed.length > 0) {
    logger.warn("Delisted symbols are no longer followed", {
      market,
      count: change.removed.length,
      symbols: change.removed.slice(0, 20).map((s) => s.id).join(","),
    });
  }
  if (change.added.length > 0 || change.removed.length > 0) {
    saveListing(
      kv,
      market,
      catalog.symbols.filter((s) => s.category === market),
    )
      .catch((error) =>
        logger.warn("Could not save the instruments listing", {
          market,
          error,
        })
      );
  }
  return change;
}

/**
 * Follows a listing change the leader of a shared engine announced, at once
 * (this instance's own reads would find it only at its next refresh). An
 * announcement already followed changes nothing.
 */
export function followAnnouncement(
  options: ListingFollowOptions,
  announcement: ListingAnnouncement,
): void {
  if (!options.config.followAll) return;
  if (!options.config.markets.includes(announcement.market)) return;
  applyListing(
    options,
    announcement.market,
    announcedListing(options.catalog.symbols, announcement),
  );
}

/** Starts following the listing with `SYMBOLS=all`; undefined otherwise. */
export function followListing(
  options: ListingFollowOptions,
): ListingWatcher | undefined {
  const { config, logger, catalog } = options;
  if (!config.followAll) return undefined;
  const onListing = (listing: MarketListing) => {
    const change = applyListing(options, listing.category, listing.symbols);
    logger.info("Instruments listing read", {
      market: listing.category,
      instruments: listing.instruments,
      followed: listing.symbols.length,
      added: change.added.length,
      removed: change.removed.length,
      pages: listing.pages,
    });
    if (change.added.length > 0 || change.removed.length > 0) {
      options.onChange?.(listing.category, change);
    }
  };
  const watcher = new ListingWatcher({
    markets: config.markets,
    url: config.instruments.url,
    timeoutMs: config.upstream.timeoutMs,
    maxInstruments: config.instruments.maxPerMarket,
    refreshMs: config.instruments.refreshMs,
    fetch: options.fetch,
    clock: options.clock,
    onListing,
    onFailure: (market, message, retryInMs, refused) =>
      refused
        ? logger.error(
          "Instruments listing refused: more instruments than INSTRUMENTS_MAX; following what is known",
          {
            market,
            message,
            maxInstruments: config.instruments.maxPerMarket,
            following: catalog.symbols.length,
            retryInMs: Math.round(retryInMs),
          },
        )
        : logger.warn(
          "Instruments listing unavailable; following what is known",
          {
            market,
            message,
            following: catalog.symbols.length,
            retryInMs: Math.round(retryInMs),
          },
        ),
  });
  watcher.start();
  return watcher;
}
