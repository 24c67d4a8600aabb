import type { ComponentChildren } from "preact";
import type { TickFrame } from "../lib/protocol/frames.ts";
import type {
  DiagnosticsResponse,
  MetricsResponse,
} from "../lib/protocol/api_types.ts";
import { cx } from "../lib/client/class_names.ts";
import { formatCount, formatDuration } from "../lib/client/format.ts";
import { ageMs, STALE_AFTER_MS } from "../lib/client/freshness.ts";
import type { ConnectionState } from "../lib/client/stream_connection.ts";
import { describeUpstreamProblem } from "../lib/client/upstream_notice.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode NetworkDiagnostics}. */
export interface NetworkDiagnosticsProps {
  readonly symbols: readonly string[];
  readonly diagnostics: DiagnosticsResponse;
  readonly metrics: MetricsResponse;
  readonly renderedAt: number;
}

type Tone = "good" | "warn" | "bad" | "idle";

function Tile(
  props: {
    label: string;
    value: string;
    detail: ComponentChildren;
    tone: Tone;
    field: string;
  },
) {
  return (
    <div class={cx("tile", `tone-${props.tone}`)} data-field={props.field}>
      <span class="tile-label">{props.label}</span>
      <span class="tile-value num">{props.value}</span>
      <span class="tile-detail">{props.detail}</span>
    </div>
  );
}

function socketTile(
  state: ConnectionState,
  now: number,
): [string, string, Tone] {
  switch (state.phase) {
    case "open":
      return ["Live", `open ${formatDuration(now - state.openedAt)}`, "good"];
    case "connecting":
      return [
        "Connecting",
        state.attempt > 0 ? `attempt ${state.attempt + 1}` : "opening",
        "warn",
      ];
    case "retrying":
      return [
        "Retrying",
        `in ${formatDuration(Math.max(0, state.retryAt - now))}`,
        "warn",
      ];
    case "offline":
      return ["Offline", "browser is offline", "bad"];
    case "rejected":
      return ["Refused", `HTTP ${state.status}`, "bad"];
    case "stopped":
      return ["Stopped", "", "idle"];
  }
}

/**
 * The stream engine tile: which engine, the instance this page's socket is
 * on (from its hello frame), and whether the shared store is reachable as
 * the polled diagnostics say (they may come from another instance behind
 * the same port).
 */
function engineTile(
  engine: DiagnosticsResponse["engine"],
  socketInstance: string | undefined,
): [string, string, Tone] {
  if (!engine) return ["—", "", "idle"];
  const kind = engine.kind === "kv"
    ? "Deno KV"
    : engine.kind === "redis"
    ? "Redis"
    : "Memory";
  if (engine.kind === "memory") return [kind, "single instance", "good"];
  const on = socketInstance ? `socket on ${socketInstance}` : "socket: —";
  if (!engine.connected) return [kind, `${on} · store unreachable`, "warn"];
  const lag = engine.lag_ms === null ? "" : ` · lag ${engine.lag_ms} ms`;
  return [kind, `${on}${lag}`, "good"];
}

/**
 * Network diagnostics: upstream latency and health, the page's socket, tick
 * freshness, service uptime, the data source and the stream engine.
 * Upstream facts come from `/api/diagnostics` (which never calls upstream);
 * freshness is live from the socket.
 */
export default function NetworkDiagnostics(props: NetworkDiagnosticsProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    diagnostics: props.diagnostics,
    metrics: props.metrics,
    renderedAt: props.renderedAt,
  });
  const now = dashboard.now.value;
  const diagnostics = dashboard.diagnostics.value?.value ?? props.diagnostics;
  const metrics = dashboard.metrics.value;
  const { store } = dashboard;
  const offset = store.session.value?.clockOffsetMs ?? 0;
  const newest = props.symbols
    .map((symbol) => store.tick(symbol).value)
    .reduce<TickFrame | null>(
      (a, b) => (b && (!a || b.ts > a.ts) ? b : a),
      null,
    );
  const freshness = newest ? ageMs(newest.ts, now, offset) : null;
  const uptimeS = metrics
    ? metrics.value.uptime_s + Math.max(0, now - metrics.at) / 1_000
    : props.metrics.uptime_s;
  const [socketValue, socketDetail, socketTone] = socketTile(
    dashboard.connectionState.value,
    now,
  );
  const latency = diagnostics.upstream.latency_ms;
  const [engineValue, engineDetail, engineTone] = engineTile(
    diagnostics.engine,
    store.session.value?.instance,
  );
  const healthTone: Tone = diagnostics.status === "healthy"
    ? "good"
    : diagnostics.status === "degraded"
    ? "warn"
    : "bad";
  return (
    <section class="panel diagnostics" aria-labelledby="diagnostics-title">
      <header class="panel-head">
        <h2 id="diagnostics-title">Network</h2>
        <span class={cx("status-dot", `tone-${healthTone}`)}>
          {diagnostics.status}
        </span>
      </header>
      <div class="tiles">
        <Tile
          field="latency"
          label="API latency"
          value={latency === null ? "—" : `${Math.round(latency)} ms`}
          detail={diagnostics.upstream.host}
          tone={latency === null
            ? "idle"
            : latency < 300
            ? "good"
            : latency < 1_000
            ? "warn"
            : "bad"}
        />
        <Tile
          field="socket"
          label="Socket"
          value={socketValue}
          detail={socketDetail}
          tone={socketTone}
        />
        <Tile
          field="freshness"
          label="Tick freshness"
          value={freshness === null ? "—" : formatDuration(freshness)}
          detail={newest
            ? `${newest.symbol} #${formatCount(newest.seq)}`
            : "no ticks yet"}
          tone={freshness === null
            ? "idle"
            : freshness <= STALE_AFTER_MS
            ? "good"
            : "bad"}
        />
        <Tile
          field="uptime"
          label="Uptime"
          value={formatDuration(uptimeS * 1_000)}
          detail={`${
            formatCount(
              metrics?.value.ticks_processed ?? props.metrics.ticks_processed,
            )
          } ticks`}
          tone="idle"
        />
        <Tile
          field="source"
          label="Source"
          value={diagnostics.simulated
            ? "Simulator"
            : diagnostics.source.toUpperCase()}
          detail={diagnostics.simulated ? "not the exchange" : "Bybit V5"}
          tone={diagnostics.simulated ? "warn" : "good"}
        />
        <Tile
          field="upstream"
          label="Upstream"
          value={diagnostics.upstream.stalled
            ? "Stalled"
            : `${diagnostics.upstream.consecutive_failures} fails`}
          detail={diagnostics.upstream.last_error === null
            ? "no recent errors"
            : (
              <span title={diagnostics.upstream.last_error}>
                {describeUpstreamProblem(diagnostics.upstream.last_error)}
              </span>
            )}
          tone={diagnostics.upstream.stalled
            ? "bad"
            : diagnostics.upstream.consecutive_failures > 0
            ? "warn"
            : "good"}
        />
        <Tile
          field="engine"
          label="Engine"
          value={engineValue}
          detail={engineDetail}
          tone={engineTone}
        />
      </div>
    </section>
  );
}
