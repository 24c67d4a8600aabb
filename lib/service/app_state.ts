/**
 * What every route sees in `ctx.state`: the running service's read models and
 * commands, plus per-request facts the middleware established. Routes stay
 * thin by calling these instead of reaching into the hub or ingestion.
 */
import type { ServiceConfig } from "../config/load_config.ts";
import type { TickFrame } from "../hub/frames.ts";
import type {
  AlertsResponse,
  DiagnosticsResponse,
  HealthResponse,
  MetricsResponse,
  RoomResponse,
  RoomsResponse,
  SymbolsResponse,
  ThresholdsResponse,
  ThresholdUpdateResponse,
} from "../http/api_types.ts";
import type { StreamHub } from "../hub/stream_hub.ts";
import type { SymbolTable } from "../http/symbol_policy.ts";
import type { StreamGate } from "./stream_gate.ts";
import type { TokenBucketLimiter } from "../http/token_bucket.ts";
import type { Logger } from "../observability/logger.ts";

/** The service as routes use it. */
export interface Services {
  readonly config: ServiceConfig;
  readonly hub: StreamHub;
  /** Handshake checks and upgrades for the stream routes. */
  readonly streams: StreamGate;
  /** Per-IP token bucket for `/api/*`. */
  readonly apiLimiter: TokenBucketLimiter;
  readonly logger: Logger;
  /** Tracked symbols by upper-case id, for `resolveSymbol`. */
  readonly symbolTable: SymbolTable;
  health(): HealthResponse;
  diagnostics(): DiagnosticsResponse;
  symbols(): SymbolsResponse;
  /** Recent ticks of one symbol, oldest first (bounded by `HISTORY_SIZE`). */
  history(symbol: string): readonly TickFrame[];
  /** Recent alerts, newest first, optionally for one symbol. */
  alerts(symbol?: string): AlertsResponse;
  rooms(): RoomsResponse;
  /** Subscriber count of one symbol; throws a 404 HttpError if unknown. */
  room(symbol: string): RoomResponse;
  metrics(): MetricsResponse;
  thresholds(): ThresholdsResponse;
  /** Validated, audited and persisted threshold change. */
  setThreshold(
    symbol: string,
    threshold: number,
    actorIp: string,
  ): Promise<ThresholdUpdateResponse>;
}

/** `ctx.state` for every route. */
export interface AppState {
  readonly services: Services;
  /** Client IP (from `X-Forwarded-For` only when `TRUST_PROXY=true`). */
  clientIp: string;
}
