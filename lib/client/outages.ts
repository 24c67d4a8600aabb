/**
 * Spans without market data, as the chart draws them: a shaded band with a
 * reason, and never a line across it. Three sources report them — the
 * server's record (`CandlesResponse.outages`), live status frames (the
 * exchange feed went silent) and the page itself (the service could not be
 * reached) — and they overlap, so they are merged into bands here.
 *
 * {@linkcode OutageLog} records the page's own outages as they happen,
 * bounded, in server time.
 */
import type { Outage } from "../protocol/candles.ts";

/** A merged span without data, with every reason that applied. */
export interface OutageBand {
  readonly from: number;
  /** End, epoch ms (an open outage ends "now"). */
  readonly to: number;
  readonly reasons: readonly string[];
  /** True while the outage lasts. */
  readonly open: boolean;
}

/**
 * Merges outages (any order, `to: null` meaning ongoing at `now`) into
 * disjoint bands, oldest first, keeping only those overlapping
 * `start`–`end`.
 */
export function outageBands(
  outages: readonly Outage[],
  now: number,
  start = -Infinity,
  end = Infinity,
): OutageBand[] {
  const spans = outages
    .map((o) => ({
      from: o.from,
      to: o.to ?? Math.max(now, o.from),
      reason: o.reason,
      open: o.to === null,
    }))
    .filter((o) => Number.isFinite(o.from) && o.to >= o.from)
    .sort((a, b) => a.from - b.from);
  const bands: {
    from: number;
    to: number;
    reasons: string[];
    open: boolean;
  }[] = [];
  for (const span of spans) {
    const last = bands.at(-1);
    if (last && span.from <= last.to) {
      last.to = Math.max(last.to, span.to);
      last.open ||= span.open;
      if (!last.reasons.includes(span.reason)) last.reasons.push(span.reason);
    } else {
      bands.push({
        from: span.from,
        to: span.to,
        reasons: [span.reason],
        open: span.open,
      });
    }
  }
  return bands.filter((band) => band.to >= start && band.from <= end);
}

/** Whether a band covers any time strictly between `a` and `b`. */
export function crossesBand(
  bands: readonly OutageBand[],
  a: number,
  b: number,
): boolean {
  return bands.some((band) => band.from < b && band.to > a);
}

/** Options of {@linkcode OutageLog}. */
export interface OutageLogOptions {
  /** Most outages kept (oldest dropped). Default 50. */
  readonly max?: number;
}

/**
 * The page's own record of outages, by kind (one open outage per kind at a
 * time): `open` starts one unless that kind is already open, `close` ends it.
 */
export class OutageLog {
  #outages: Outage[] = [];
  #open = new Map<string, number>();
  #max: number;
  #version = 0;

  /** An empty log. */
  constructor(options: OutageLogOptions = {}) {
    this.#max = options.max ?? 50;
  }

  /** Outages, oldest first. */
  get outages(): readonly Outage[] {
    return this.#outages;
  }

  /** Changes with every update. */
  get version(): number {
    return this.#version;
  }

  /** Whether an outage of `kind` is open. */
  isOpen(kind: string): boolean {
    return this.#open.has(kind);
  }

  /** Starts an outage of `kind` at `from` (server ms) unless one is open. */
  open(kind: string, from: number, reason: string): void {
    if (this.#open.has(kind) || !Number.isFinite(from)) return;
    this.#outages.push({ from, to: null, reason });
    this.#open.set(kind, from);
    if (this.#outages.length > this.#max) {
      const dropped = this.#outages.shift()!;
      for (const [k, at] of this.#open) {
        if (at === dropped.from && dropped.to === null) this.#open.delete(k);
      }
    }
    this.#version++;
  }

  /**
   * Ends the open outage of `kind` at `to` (server ms); one shorter than
   * `minMs` is forgotten (a single failed poll is not an outage).
   */
  close(kind: string, to: number, minMs = 0): void {
    const from = this.#open.get(kind);
    if (from === undefined) return;
    this.#open.delete(kind);
    const at = this.#outages.findIndex((o) => o.from === from && o.to === null);
    if (at >= 0) {
      const end = Math.max(from, Number.isFinite(to) ? to : from);
      if (end - from < minMs) this.#outages.splice(at, 1);
      else this.#outages[at] = { ...this.#outages[at], to: end };
    }
    this.#version++;
  }
}
