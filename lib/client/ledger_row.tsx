/**
 * One row of an alert ledger, as the dashboard's and the screener's ledgers
 * both show it: severity, the pair (named and linked the same way on both
 * pages), the time, then the body each ledger fills in.
 */
import type { ComponentChildren } from "preact";
import type { AlertFrame } from "../protocol/frames.ts";
import { cx } from "./class_names.ts";
import { formatIsoUtc, pairLabel } from "./format.ts";
import type { Severity } from "./severity.ts";

/** Props of {@linkcode LedgerRow}. */
export interface LedgerRowProps {
  readonly alert: AlertFrame;
  readonly severity: Severity;
  /** The row's body: amounts, kind, side, price. */
  readonly children: ComponentChildren;
}

/** A ledger row: its head (severity, linked pair, time) and `children`. */
export function LedgerRow(props: LedgerRowProps) {
  const { alert, severity } = props;
  return (
    <li
      class={cx("ledger-row", `sev-${severity.level}`)}
      data-alert-id={alert.id}
      data-kind={alert.kind}
    >
      <div class="row-top">
        <span class="sev">{severity.label}</span>
        <a class="row-symbol" href={`/s/${encodeURIComponent(alert.symbol)}`}>
          {pairLabel(alert.symbol)}
        </a>
        <time class="num" dateTime={alert.time}>
          {formatIsoUtc(alert.time)}
        </time>
      </div>
      {props.children}
    </li>
  );
}

/**
 * The side an alert names: a liquidation's as the position that was closed
 * (`Buy` is a long), a trade's as the taker's.
 */
export function sideLabel(alert: AlertFrame): string | undefined {
  if (!alert.side) return undefined;
  if (alert.kind !== "liquidation") return alert.side;
  return alert.side === "Buy" ? "Long" : "Short";
}
