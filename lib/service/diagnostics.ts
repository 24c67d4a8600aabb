/**
 * Grades the service's health from what ingestion last reported — never by
 * calling the exchange (the original did, on every request: an amplifier).
 * Pure, so each grade has a direct test.
 */
import type {
  DiagnosticsResponse,
  HealthStatus,
  SymbolFreshness,
} from "../http/api_types.ts";
import type { StatusFrame } from "../hub/frames.ts";
import type { UpstreamState } from "../ingestion/ingest_loop.ts";

/** Seconds without good data after which upstream counts as stalled. */
export const STALL_AFTER_SECONDS = 10;

/** Everything diagnostics are computed from. */
export interface DiagnosticsInput {
  readonly now: number;
  readonly startedAt: number;
  readonly upstream: UpstreamState | undefined;
  readonly symbols: readonly string[];
  /** Server time of each symbol's latest tick. */
  readonly lastTickAt: (symbol: string) => number | undefined;
  readonly ingestion: DiagnosticsResponse["ingestion"];
  /** Host polled, shown before the first state arrives. */
  readonly upstreamHost: string;
}

const ageSeconds = (now: number, at: number | null | undefined) =>
  at === null || at === undefined ? null : Math.max(0, (now - at) / 1000);

/** The `/api/diagnostics` body for `input`. */
export function diagnose(input: DiagnosticsInput): DiagnosticsResponse {
  const { now, upstream } = input;
  const unavailable = new Set(upstream?.unavailableSymbols ?? []);
  const symbols: SymbolFreshness[] = input.symbols.map((symbol) => {
    const at = input.lastTickAt(symbol) ?? null;
    const age = ageSeconds(now, at);
    return {
      symbol,
      available: !unavailable.has(symbol),
      last_tick_ts: at,
      age_s: age,
      stale: age === null || age > STALL_AFTER_SECONDS,
    };
  });
  const lastSuccess = upstream?.lastSuccess ?? null;
  const sinceSuccess = ageSeconds(now, lastSuccess);
  const warmingUp = lastSuccess === null &&
    now - input.startedAt < STALL_AFTER_SECONDS * 1000;
  const stalled = !warmingUp &&
    (sinceSuccess === null || sinceSuccess > STALL_AFTER_SECONDS);
  let status: HealthStatus = "healthy";
  if (stalled || !input.ingestion.running) status = "unhealthy";
  else if (
    warmingUp || (upstream?.consecutiveFailures ?? 0) > 0 ||
    symbols.some((s) => !s.available || s.stale)
  ) status = "degraded";
  return {
    status,
    simulated: upstream?.simulated ?? false,
    source: upstream?.source ?? "rest",
    upstream: {
      host: upstream?.host ?? input.upstreamHost,
      latency_ms: upstream?.latencyMs ?? null,
      last_success: lastSuccess,
      last_attempt: upstream?.lastAttempt ?? null,
      consecutive_failures: upstream?.consecutiveFailures ?? 0,
      last_error: upstream?.lastError
        ? `${upstream.lastError.kind}: ${upstream.lastError.message}`
        : null,
      stalled,
      seconds_since_last_tick: sinceSuccess,
      next_attempt_in_ms: upstream?.nextAttemptAt
        ? Math.max(0, upstream.nextAttemptAt - now)
        : null,
    },
    symbols,
    ingestion: input.ingestion,
    server_time: now,
  };
}

/** The status frame clients get for `diagnostics`. */
export function statusFrame(diagnostics: DiagnosticsResponse): StatusFrame {
  const { upstream } = diagnostics;
  let state: StatusFrame["upstream"];
  if (upstream.last_success === null && !upstream.stalled) state = "connecting";
  else if (upstream.stalled) state = "offline";
  else if (upstream.consecutive_failures > 0) state = "degraded";
  else state = "online";
  return {
    type: "status",
    upstream: state,
    simulated: diagnostics.simulated,
    last_success: upstream.last_success,
    detail: state === "online" ? undefined : upstream.last_error ?? undefined,
  };
}
