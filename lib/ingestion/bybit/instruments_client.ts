/**
 * Reads one market's whole listing from Bybit's
 * `GET /v5/market/instruments-info?category=…`, following `nextPageCursor`
 * page after page, and keeps the instruments the service follows (see
 * `instruments_schema.ts`).
 *
 * Bounded: a listing with more than `maxInstruments` instruments is refused
 * with a {@linkcode ListingTooLargeError} (the caller keeps what it had), so a
 * broken or hostile listing of tens of thousands of entries cannot open that
 * many streams or hold that much memory. A cursor that repeats is refused
 * too, so a looping listing ends.
 */
import type { Clock } from "../../clock/clock.ts";
import type {
  MarketCategory,
  TrackedSymbol,
} from "../../market/tracked_symbol.ts";
import { getBybitJson } from "./bybit_request.ts";
import { followedSymbol, parseInstrumentsPage } from "./instruments_schema.ts";
import { parseInResponse, UpstreamError } from "./upstream_error.ts";

/** Largest page Bybit serves (linear); spot ignores it and answers one page. */
export const INSTRUMENTS_PAGE_LIMIT = 1_000;

/**
 * Most pages read for one listing: Bybit's fit in a few; an endless run of
 * pages (empty ones with fresh cursors) ends here.
 */
export const MAX_LISTING_PAGES = 200;

/** A listing longer than the configured cap: refused, not followed. */
export class ListingTooLargeError extends Error {
  /** The market whose listing was refused. */
  readonly category: MarketCategory;
  /** The cap it passed. */
  readonly maxInstruments: number;

  /** `read`: instruments read when the cap was passed. */
  constructor(category: MarketCategory, read: number, maxInstruments: number) {
    super(
      `The ${category} listing has more than ${maxInstruments} instruments (read ${read}); refused`,
    );
    this.name = "ListingTooLargeError";
    this.category = category;
    this.maxInstruments = maxInstruments;
  }
}

/** Options of {@linkcode fetchListing}. */
export interface FetchListingOptions {
  /** Full URL of `/v5/market/instruments-info`. */
  readonly url: string;
  /** Timeout of each page request, ms. */
  readonly timeoutMs: number;
  /** Most instruments accepted; more refuses the listing. */
  readonly maxInstruments: number;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Aborts the read (rejects with kind `aborted`). */
  readonly signal?: AbortSignal;
  /** Instruments asked per page. Default {@linkcode INSTRUMENTS_PAGE_LIMIT}. */
  readonly pageLimit?: number;
}

/** One market's listing, as far as the service follows it. */
export interface MarketListing {
  readonly category: MarketCategory;
  /** Followed instruments, in listing order. */
  readonly symbols: TrackedSymbol[];
  /** Instruments read (followed or not). */
  readonly instruments: number;
  /** Items that failed validation. */
  readonly rejected: number;
  /** Pages read. */
  readonly pages: number;
  /** The answers carried the simulator's mark. */
  readonly simulated: boolean;
}

/**
 * Reads the listing of `category`. Rejects with an {@linkcode UpstreamError}
 * for a failed page or a repeated cursor, and with a
 * {@linkcode ListingTooLargeError} past `maxInstruments`.
 */
export async function fetchListing(
  category: MarketCategory,
  options: FetchListingOptions,
): Promise<MarketListing> {
  const limit = options.pageLimit ?? INSTRUMENTS_PAGE_LIMIT;
  if (
    !(Number.isInteger(options.maxInstruments) && options.maxInstruments > 0)
  ) {
    throw new RangeError(
      `maxInstruments must be a positive integer, got ${options.maxInstruments}`,
    );
  }
  const symbols: TrackedSymbol[] = [];
  const seenIds = new Set<string>();
  const cursors = new Set<string>();
  let instruments = 0;
  let rejected = 0;
  let pages = 0;
  let simulated = false;
  let cursor: string | null = null;
  do {
    const url = new URL(options.url);
    url.searchParams.set("category", category);
    url.searchParams.set("limit", String(limit));
    if (cursor !== null) url.searchParams.set("cursor", cursor);
    const answer = await getBybitJson(url.href, {
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      clock: options.clock,
      signal: options.signal,
    });
    simulated ||= answer.simulated;
    const page = parseInResponse(
      () => parseInstrumentsPage(answer.body, category),
      { status: answer.status, simulated },
    );
    pages++;
    instruments += page.instruments.length + page.rejected;
    rejected += page.rejected;
    if (instruments > options.maxInstruments) {
      throw new ListingTooLargeError(
        category,
        instruments,
        options.maxInstruments,
      );
    }
    for (const item of page.instruments) {
      const symbol = followedSymbol(item, category);
      if (symbol === undefined || seenIds.has(symbol.id)) continue;
      seenIds.add(symbol.id);
      symbols.push(symbol);
    }
    cursor = page.nextCursor;
    if (cursor !== null && pages >= MAX_LISTING_PAGES) {
      throw new UpstreamError(
        "invalid-envelope",
        `The ${category} listing has more than ${MAX_LISTING_PAGES} pages`,
        { simulated },
      );
    }
    if (cursor !== null) {
      if (cursors.has(cursor)) {
        throw new UpstreamError(
          "invalid-envelope",
          `The ${category} listing repeated a page cursor after ${pages} pages`,
          { simulated },
        );
      }
      cursors.add(cursor);
    }
  } while (cursor !== null);
  return { category, symbols, instruments, rejected, pages, simulated };
}
