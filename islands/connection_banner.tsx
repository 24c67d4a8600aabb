import { useRef } from "preact/hooks";
import { formatDuration } from "../lib/client/format.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode ConnectionBanner}. */
export interface ConnectionBannerProps {
  readonly symbols: readonly string[];
}

/** Quiet first connects shorter than this are not announced, ms. */
const QUIET_CONNECT_MS = 2_500;
/** How long "live again" stays up after a recovery, ms. */
const RECOVERED_MS = 4_000;

/**
 * Says, in words for people, when the prices on screen are not live and what
 * the page is doing about it: reconnecting (with a countdown and "retry
 * now"), offline, refused, the exchange feed failing or silent, no data —
 * and briefly that it is live again after any of those, and for how long it
 * was not. The technical detail (the service's error text, close reasons)
 * is one click away in a disclosure. Hidden while all is well.
 */
export default function ConnectionBanner(props: ConnectionBannerProps) {
  const dashboard = useDashboard({ symbols: props.symbols });
  const connection = dashboard.connectionState.value;
  const now = dashboard.now.value;
  const status = dashboard.liveStatus();
  const since = useRef(now);
  const downSince = useRef<number | null>(null);
  const recovered = useRef<{ at: number; after: number } | null>(null);
  if (connection.phase !== "connecting") since.current = now;

  let { message, tone } = status as { message?: string; tone: string };
  if (
    connection.phase === "connecting" && connection.attempt === 0 &&
    now - since.current <= QUIET_CONNECT_MS
  ) {
    message = undefined;
  }
  // Recovery: remember when trouble began; say "live again" for a moment.
  if (status.tone !== "good") {
    if (message !== undefined) downSince.current ??= now;
  } else if (downSince.current !== null) {
    recovered.current = { at: now, after: now - downSince.current };
    downSince.current = null;
  }
  if (
    message === undefined && recovered.current &&
    now - recovered.current.at < RECOVERED_MS
  ) {
    tone = "good";
    message = `Live again after ${
      formatDuration(recovered.current.after)
    }. Time without data is marked on the chart.`;
  }
  const action = connection.phase === "retrying"
    ? { label: "Retry now", run: () => dashboard.retryNow() }
    : connection.phase === "rejected"
    ? { label: "Try again", run: () => dashboard.retryNow() }
    : undefined;
  if (message === undefined) {
    return <div class="banner-slot" data-phase={connection.phase} />;
  }
  return (
    <div
      class={`banner banner-${tone}`}
      role="status"
      aria-live="polite"
      data-phase={connection.phase}
      data-state={status.state}
    >
      <span class="banner-dot" aria-hidden="true" />
      <div class="banner-text">
        <span data-field="banner-message">{message}</span>
        {status.detail && tone !== "good" && (
          <details class="banner-detail">
            <summary>Details</summary>
            <code>{status.detail}</code>
          </details>
        )}
      </div>
      {action && (
        <button type="button" class="banner-action" onClick={action.run}>
          {action.label}
        </button>
      )}
    </div>
  );
}
