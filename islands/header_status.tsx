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

const LOCKED_HINT = " — click to enable";

/**
 * The header's live indicator (green only while prices arrive, amber the
 * moment the exchange feed reports trouble, red once data is stale), the
 * simulated marker and the alert chime toggle — which, remembered as on from
 * an earlier visit, says "sound locked" until the browser lets it play.
 */
export default function HeaderStatus(props: HeaderStatusProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    epoch: props.epoch,
    simulated: props.simulated,
  });
  const connection = dashboard.connectionState.value;
  const status = dashboard.liveStatus();
  const simulated = dashboard.store.session.value?.simulated ?? props.simulated;
  const chime = dashboard.chimeState.value;
  useEffect(() => {
    // Browsers allow audio only after a gesture: the first click or key
    // anywhere unlocks a chime remembered as on.
    const unlock = () => dashboard.chime.unlock();
    const cancel = afterHydration(() => {
      document.addEventListener("pointerdown", unlock, { capture: true });
      document.addEventListener("keydown", unlock, { capture: true });
    });
    return () => {
      cancel();
      document.removeEventListener("pointerdown", unlock, { capture: true });
      document.removeEventListener("keydown", unlock, { capture: true });
    };
  }, []);
  return (
    <div class="header-status">
      <span
        class={cx(
          "live-pill",
          `phase-${connection.phase}`,
          `tone-${status.tone}`,
        )}
        data-field="live-pill"
        data-state={status.state}
        role="status"
        title={status.message}
      >
        <span class="live-dot" aria-hidden="true" />
        {status.pill}
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
        class={cx("chime-toggle", `chime-${chime}`)}
        aria-pressed={chime !== "off"}
        data-field="chime"
        title={chime === "locked"
          ? "The browser blocks sound until you interact with the page: click to enable"
          : "Play a chime on alerts"}
        onClick={() =>
          dashboard.setChime(chime === "off" || chime === "locked")}
      >
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <path d="M4 9h4l5-4v14l-5-4H4z" class="icon-fill" />
          {chime === "on"
            ? (
              <path
                d="M16 8.5a4.5 4.5 0 0 1 0 7M18.5 6a8 8 0 0 1 0 12"
                class="icon-stroke"
              />
            )
            : <path d="M16.5 9.5l5 5M21.5 9.5l-5 5" class="icon-stroke" />}
        </svg>
        {chime === "on" ? "Chime on" : chime === "locked"
          ? (
            <>
              Sound locked<span class="wide-only">{LOCKED_HINT}</span>
            </>
          )
          : "Chime off"}
      </button>
    </div>
  );
}
