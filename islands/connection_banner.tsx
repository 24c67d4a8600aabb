import { useRef } from "preact/hooks";
import { formatDuration } from "../lib/client/format.ts";
import { upstreamOfflineText } from "../lib/client/upstream_notice.ts";
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
 * Says when the live view is not live: reconnecting (with the countdown and
 * a "retry now" button), offline, refused by the server (its reason; 429
 * with the advised wait), upstream offline (with the age of the data shown,
 * or that there is none yet), or upstream degraded —
 * and briefly that it is live again after any of those. Hidden while all is
 * well.
 */
export default function ConnectionBanner(props: ConnectionBannerProps) {
  const dashboard = useDashboard({ symbols: props.symbols });
  const state = dashboard.connectionState.value;
  const now = dashboard.now.value;
  const upstream = dashboard.store.upstream.value;
  const since = useRef(now);
  const wasDown = useRef(false);
  if (state.phase !== "connecting") since.current = now;

  let tone = "warn";
  let text = "";
  let action: { label: string; run: () => void } | undefined;
  switch (state.phase) {
    case "connecting":
      if (state.attempt > 0 || now - since.current > QUIET_CONNECT_MS) {
        text = "Connecting to the live stream…";
      }
      break;
    case "retrying":
      text = `${state.reason}. Reconnecting in ${
        formatDuration(Math.max(0, state.retryAt - now))
      }`;
      action = { label: "Retry now", run: () => dashboard.retryNow() };
      break;
    case "offline":
      tone = "bad";
      text = "You are offline. Live updates resume when the network returns.";
      break;
    case "rejected":
      tone = "bad";
      text = state.retryAt === null
        ? `The server refused the live stream: ${state.detail} (HTTP ${state.status}).`
        : `${state.detail}. Retrying in ${
          formatDuration(Math.max(0, state.retryAt - now))
        }.`;
      action = { label: "Try again", run: () => dashboard.retryNow() };
      break;
    case "open":
      if (upstream?.upstream === "offline") {
        tone = "bad";
        text = upstreamOfflineText(
          upstream,
          now,
          dashboard.store.session.value?.clockOffsetMs ?? 0,
        );
      } else if (upstream?.upstream === "degraded") {
        text = `Upstream degraded${
          upstream.detail ? `: ${upstream.detail}` : ""
        }. Prices are still updating.`;
      } else if (wasDown.current && now - state.openedAt < RECOVERED_MS) {
        tone = "good";
        text = "Live again. Ticks missed while disconnected were replayed.";
      }
      break;
  }
  if (state.phase !== "open" && text !== "") wasDown.current = true;
  if (state.phase === "open" && now - state.openedAt >= RECOVERED_MS) {
    wasDown.current = false;
  }
  if (text === "") return <div class="banner-slot" data-phase={state.phase} />;
  return (
    <div
      class={`banner banner-${tone}`}
      role="status"
      aria-live="polite"
      data-phase={state.phase}
    >
      <span class="banner-dot" aria-hidden="true" />
      <span class="banner-text">{text}</span>
      {action && (
        <button type="button" class="banner-action" onClick={action.run}>
          {action.label}
        </button>
      )}
    </div>
  );
}
