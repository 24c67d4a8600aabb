/**
 * Response shapes of the JSON API, shared by the route handlers that produce
 * them and the islands that read them (browser-safe: types only).
 */
import type { AlertFrame, TickFrame } from "../hub/frames.ts";

/** Body of every error response. */
export interface ApiError {
  /** Short machine-readable reason, e.g. `forbidden_origin`. */
  readonly error: string;
  /** A sentence for humans: what was wrong and what is expected. */
  readonly detail: string;
}

/** `GET /api/health`. */
export interface HealthResponse {
  readonly status: "ok";
  readonly uptime_s: number;
  readonly epoch: string;
}

/** Overall health as diagnostics grade it. */
export type HealthStatus = "healthy" | "degraded" | "unhealthy";

/** Freshness of one tracked symbol. */
export interface SymbolFreshness {
  readonly symbol: string;
  /** False when the exchange does not list the symbol. */
  readonly available: boolean;
  /** Server time of the latest tick, epoch ms, or null if none yet. */
  readonly last_tick_ts: number | null;
  readonly age_s: number | null;
  readonly stale: boolean;
}

/** `GET /api/diagnostics`: built from the ingestion state, never upstream. */
export interface DiagnosticsResponse {
  readonly status: HealthStatus;
  readonly simulated: boolean;
  readonly source: "rest" | "ws" | "simulator";
  readonly upstream: {
    /** Host of the upstream endpoint (no credentials, no query). */
    readonly host: string;
    readonly latency_ms: number | null;
    readonly last_success: number | null;
    readonly last_attempt: number | null;
    readonly consecutive_failures: number;
    readonly last_error: string | null;
    /** No good upstream data for more than 10 s. */
    readonly stalled: boolean;
    readonly seconds_since_last_tick: number | null;
    readonly next_attempt_in_ms: number | null;
  };
  readonly symbols: readonly SymbolFreshness[];
  readonly ingestion: {
    readonly mode: "worker" | "inline";
    readonly running: boolean;
    readonly restarts: number;
    readonly last_restart_reason: string | null;
  };
  readonly server_time: number;
}

/** One row of `GET /api/symbols`. */
export interface SymbolSnapshot {
  readonly symbol: string;
  readonly upstream: string;
  readonly available: boolean;
  readonly threshold: number;
  readonly tick: TickFrame | null;
}

/** `GET /api/symbols`. */
export interface SymbolsResponse {
  readonly symbols: readonly SymbolSnapshot[];
}

/** `GET /api/rooms`. */
export interface RoomsResponse {
  readonly total: number;
  readonly rooms: Readonly<Record<string, number>>;
}

/** `GET /api/rooms/:symbol`. */
export interface RoomResponse {
  readonly symbol: string;
  readonly subscribers: number;
}

/** `GET /api/metrics` (also rendered as Prometheus text at `/metrics`). */
export interface MetricsResponse {
  readonly uptime_s: number;
  readonly ticks_processed: number;
  readonly upstream_requests: number;
  readonly upstream_errors: number;
  readonly items_rejected: number;
  readonly sockets_active: number;
  readonly sockets_opened_total: number;
  readonly handshakes_rejected_total: number;
  readonly messages_sent: number;
  readonly bytes_sent: number;
  readonly conflated_total: number;
  readonly slow_closes_total: number;
  readonly ingestion_restarts: number;
}

/** `GET /api/thresholds`. */
export interface ThresholdsResponse {
  readonly thresholds: Readonly<Record<string, number>>;
  /** False when no `ADMIN_TOKEN` is configured: writes are disabled. */
  readonly writable: boolean;
}

/** `PUT /api/thresholds/:symbol` success body. */
export interface ThresholdUpdateResponse {
  readonly symbol: string;
  readonly threshold: number;
  readonly previous: number;
}

/** `GET /api/alerts`: newest first. */
export interface AlertsResponse {
  readonly alerts: readonly AlertFrame[];
}
