/**
 * One honest answer to "are these prices live?", for the header pill and the
 * banner, as a pure function of what the page knows: its socket's state, the
 * service's latest status frame and how old the newest tick is (on the
 * server's clock).
 *
 * - The pill turns amber as soon as a status frame says the exchange feed is
 *   failing, not only once data has gone stale.
 * - "Prices are still updating" is said only while ticks actually arrive:
 *   recently, and after the status frame that reported trouble.
 * - Past the staleness limit it is red "No data", whatever the status says.
 *
 * Messages are written for people; the technical detail (the service's error
 * text, close reasons, HTTP statuses) is returned separately, for a
 * disclosure the reader may open.
 */
import type { StatusFrame } from "../protocol/frames.ts";
import { formatDuration } from "./format.ts";
import { STALE_AFTER_MS } from "./freshness.ts";
import type { ConnectionState } from "./stream_connection.ts";
import { describeUpstreamProblem } from "./upstream_notice.ts";

/** No tick for this long, ms, and a quiet feed turns the pill amber. */
export const QUIET_AFTER_MS = 5_000;
/**
 * While the feed reports trouble, prices count as "still updating" only if
 * a tick came this recently, ms (a failing feed usually means none do).
 */
export const UPDATING_MS = 2_000;

/** Colour of the state: green, amber, red. */
export type LiveTone = "good" | "warn" | "bad";

/** The page's live state. */
export interface LiveStatus {
  readonly tone: LiveTone;
  /** Stable name of the state, for styling and tests. */
  readonly state:
    | "live"
    | "quiet"
    | "degraded"
    | "feed-down"
    | "no-data"
    | "connecting"
    | "reconnecting"
    | "offline"
    | "refused"
    | "paused";
  /** The pill's word(s). */
  readonly pill: string;
  /** What the banner says, or undefined when all is well. */
  readonly message?: string;
  /** Technical detail behind the message. */
  readonly detail?: string;
}

/** What {@linkcode liveStatus} judges from. */
export interface LiveStatusInput {
  readonly connection: ConnectionState;
  readonly upstream: StatusFrame | null;
  /** Age of the newest tick of any symbol, ms, or null when none arrived. */
  readonly tickAgeMs: number | null;
  /** Client time, epoch ms (for countdowns). */
  readonly now: number;
  /** A tick arrived after the latest status frame. Default true. */
  readonly ticksSinceStatus?: boolean;
}

/** The page's live state from `input`. */
export function liveStatus(input: LiveStatusInput): LiveStatus {
  const { connection, now } = input;
  switch (connection.phase) {
    case "open":
      return feedStatus(input);
    case "connecting":
      return {
        tone: "warn",
        state: "connecting",
        pill: "Connecting",
        message: "Connecting to the live stream…",
        detail: connection.attempt > 0
          ? `Attempt ${connection.attempt + 1}`
          : undefined,
      };
    case "retrying":
      return {
        tone: "warn",
        state: "reconnecting",
        pill: "Reconnecting",
        message: `SATS Sentinel cannot be reached. Trying again in ${
          formatDuration(Math.max(0, connection.retryAt - now))
        }, and at once when it answers.`,
        detail: `${connection.reason} (attempt ${connection.attempt})`,
      };
    case "offline":
      return {
        tone: "bad",
        state: "offline",
        pill: "Offline",
        message:
          "This device is offline. Live updates resume when the network returns.",
      };
    case "rejected":
      return {
        tone: "bad",
        state: "refused",
        pill: "Refused",
        message: connection.retryAt === null
          ? "The server refused the live stream for this page."
          : `The server is busy. Trying again in ${
            formatDuration(Math.max(0, connection.retryAt - now))
          }.`,
        detail:
          `${connection.detail} (HTTP ${connection.status}, ${connection.error})`,
      };
    case "stopped":
      return { tone: "warn", state: "paused", pill: "Paused" };
  }
}

function feedStatus(input: LiveStatusInput): LiveStatus {
  const { upstream, tickAgeMs } = input;
  const detail = upstream?.detail;
  const problem = describeUpstreamProblem(detail);
  const updating = tickAgeMs !== null && tickAgeMs <= UPDATING_MS &&
    (input.ticksSinceStatus ?? true);
  const age = tickAgeMs === null ? "" : formatDuration(tickAgeMs);
  const notUpdating = tickAgeMs === null
    ? "No prices have arrived yet."
    : `Prices are not updating; the last one is ${age} old.`;
  if (
    (tickAgeMs !== null && tickAgeMs > STALE_AFTER_MS) ||
    upstream?.upstream === "offline"
  ) {
    const why = upstream?.upstream === "offline" ||
        upstream?.upstream === "degraded"
      ? `: ${problem}`
      : "";
    return {
      tone: "bad",
      state: "no-data",
      pill: "No data",
      message: tickAgeMs === null
        ? `No market data yet${why}. Prices appear as soon as the exchange answers.`
        : `No market data for ${age}${why}. Showing the last prices received.`,
      detail,
    };
  }
  if (upstream?.upstream === "degraded") {
    const fallback = upstream.mode === "rest-fallback";
    return {
      tone: "warn",
      state: fallback ? "degraded" : "feed-down",
      pill: fallback ? "Degraded" : "Feed down",
      message: fallback
        ? `The exchange's live stream is down; prices are polled about once a second instead. ${
          updating ? "Prices are still updating." : notUpdating
        }`
        : `The exchange feed is failing: ${problem}. ${
          updating ? "Prices are still updating." : notUpdating
        }`,
      detail,
    };
  }
  if (tickAgeMs === null) {
    return {
      tone: "warn",
      state: "connecting",
      pill: "Waiting",
      message: "Connected. Waiting for the first prices from the exchange.",
    };
  }
  if (tickAgeMs > QUIET_AFTER_MS) {
    return {
      tone: "warn",
      state: "quiet",
      pill: "Quiet",
      message:
        `No new prices for ${age}, though the exchange feed reports no problem.`,
    };
  }
  return { tone: "good", state: "live", pill: "Live" };
}
