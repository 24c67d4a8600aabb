import { useEffect } from "preact/hooks";
import { cx } from "../lib/client/class_names.ts";
import { afterHydration } from "../lib/web/browser.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode HeaderStatus}. */
export interface HeaderStatusProps {
  readonly symbols: readonly string[];
  readonly simulated: boolean;
  readonly epoch: string;
}

const PHASE_LABEL = {
  open: "Live",
  connecting: "Connecting",
  retrying: "Reconnecting",
  offline: "Offline",
  rejected: "Refused",
  stopped: "Paused",
} as const;

/** The header's live indicator, the simulated marker and the chime toggle. */
export default function HeaderStatus(props: HeaderStatusProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    epoch: props.epoch,
    simulated: props.simulated,
  });
  const phase = dashboard.connectionState.value.phase;
  // A connected socket with no upstream data is not "live": say so, rather
  // than pulse green over a frozen market.
  const upstreamOffline = phase === "open" &&
    dashboard.store.upstream.value?.upstream === "offline";
  const simulated = dashboard.store.session.value?.simulated ?? props.simulated;
  const chimeOn = dashboard.chimeOn.value;
  useEffect(() => {
    // A saved "on" needs a user gesture before audio may start: arm it on
    // the first click anywhere.
    if (!dashboard.preferences.chime) return;
    const unlock = () => dashboard.setChime(dashboard.chimeOn.peek());
    const cancel = afterHydration(() => {
      dashboard.chimeOn.value = true;
      document.addEventListener("pointerdown", unlock, { once: true });
    });
    return () => {
      cancel();
      document.removeEventListener("pointerdown", unlock);
    };
  }, []);
  return (
    <div class="header-status">
      <span
        class={cx(
          "live-pill",
          `phase-${phase}`,
          upstreamOffline && "upstream-offline",
        )}
        data-field="live-pill"
      >
        <span class="live-dot" aria-hidden="true" />
        {upstreamOffline ? "No data" : PHASE_LABEL[phase]}
      </span>
      {simulated && (
        <span
          class="badge badge-sim"
          title="Prices come from the local exchange simulator, not Bybit"
        >
          Simulated
        </span>
      )}
      <button
        type="button"
        class={cx("chime-toggle", chimeOn && "is-on")}
        aria-pressed={chimeOn}
        title="Play a chime on whale alerts"
        onClick={() => dashboard.setChime(!chimeOn)}
      >
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <path d="M4 9h4l5-4v14l-5-4H4z" class="icon-fill" />
          {chimeOn
            ? (
              <path
                d="M16 8.5a4.5 4.5 0 0 1 0 7M18.5 6a8 8 0 0 1 0 12"
                class="icon-stroke"
              />
            )
            : <path d="M16.5 9.5l5 5M21.5 9.5l-5 5" class="icon-stroke" />}
        </svg>
        {chimeOn ? "Chime on" : "Chime off"}
      </button>
    </div>
  );
}
