import { type Signal, useSignal } from "@preact/signals";
import type {
  PriceAlert,
  PriceAlertDirection,
} from "../lib/protocol/price_alerts.ts";
import { deletePriceAlert, postPriceAlert } from "../lib/client/api_client.ts";
import {
  type FormNotice,
  FormStatus,
  TokenField,
} from "../lib/client/admin_form.tsx";
import { cx } from "../lib/client/class_names.ts";
import { formatPrice } from "../lib/client/format.ts";
import { parsePriceInput } from "../lib/client/price_input.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode PriceAlerts}. */
export interface PriceAlertsProps {
  readonly symbols: readonly string[];
  readonly selected: Signal<string>;
  readonly priceAlerts: readonly PriceAlert[];
  /** The selected pair's last price when the page was rendered. */
  readonly lastPrice?: number;
  /** False when the server has no admin token: changes are disabled. */
  readonly writable: boolean;
}

/**
 * Price-level alerts: one fires when the selected pair's last price crosses a
 * level in the chosen direction, then re-arms once the price has moved back.
 * The form sets one for the selected pair (above or below; the direction
 * follows the typed price until chosen by hand), the list shows every pair's
 * levels with their state and a delete button. Changes need the admin token,
 * typed once per tab and shared with the threshold form.
 */
export default function PriceAlerts(props: PriceAlertsProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    priceAlerts: props.priceAlerts,
  });
  const symbol = props.selected.value;
  const last = dashboard.store.tick(symbol).value?.price ??
    (symbol === props.selected.peek() ? props.lastPrice : undefined);
  const price = useSignal("");
  const chosen = useSignal<PriceAlertDirection | null>(null);
  const message = useSignal<FormNotice>(null);
  const busy = useSignal(false);
  const typed = useSignal("");
  const saved = dashboard.adminToken.value;
  const token = saved || typed.value;
  const parsed = price.value === "" ? null : parsePriceInput(price.value);
  const direction: PriceAlertDirection = chosen.value ??
    (parsed?.ok && last !== undefined && parsed.value < last
      ? "below"
      : "above");
  const disabled = !props.writable || busy.value;
  const alerts = [...dashboard.priceAlerts.value].sort((a, b) =>
    a.symbol === b.symbol ? b.price - a.price : a.symbol < b.symbol ? -1 : 1
  );

  const needToken = () => {
    if (token.trim() !== "") return false;
    message.value = { kind: "error", text: "Enter the admin token" };
    return true;
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    const input = parsePriceInput(price.value);
    if (!input.ok) {
      message.value = { kind: "error", text: input.detail };
      return;
    }
    if (needToken()) return;
    busy.value = true;
    message.value = null;
    const result = await postPriceAlert(
      fetch,
      { symbol, price: input.value, direction },
      token.trim(),
    );
    busy.value = false;
    if (result.ok) {
      dashboard.rememberAdminToken(token.trim());
      typed.value = "";
      message.value = {
        kind: "ok",
        text: `Alert set: ${symbol} ${direction} ${
          formatPrice(result.data.price)
        }`,
      };
      price.value = "";
      chosen.value = null;
      await dashboard.refreshPriceAlerts();
    } else {
      failed(result.status, result.detail);
    }
  };
  const failed = (status: number, detail: string) => {
    // A refused token is forgotten, so the field comes back.
    if (status === 401 || status === 403) dashboard.rememberAdminToken("");
    message.value = {
      kind: "error",
      text: `${detail} (HTTP ${status || "—"})`,
    };
  };
  const remove = async (alert: PriceAlert) => {
    if (needToken()) return;
    busy.value = true;
    const result = await deletePriceAlert(fetch, alert.id, token.trim());
    busy.value = false;
    if (result.ok) {
      message.value = {
        kind: "ok",
        text: `Deleted: ${alert.symbol} ${alert.direction} ${
          formatPrice(alert.price)
        }`,
      };
    } else failed(result.status, result.detail);
    await dashboard.refreshPriceAlerts();
  };

  return (
    <section class="panel price-alerts" aria-labelledby="price-alerts-title">
      <header class="panel-head">
        <h2 id="price-alerts-title">Price alerts</h2>
        <span class="muted num">last {formatPrice(last)}</span>
      </header>
      <form class="price-alert-form" onSubmit={submit} noValidate>
        <div class="field">
          <span>Pair</span>
          <output class="pair-output num" data-field="price-alert-symbol">
            {symbol}
          </output>
        </div>
        <label class="field">
          <span>Price (USDT)</span>
          <input
            name="price"
            inputMode="decimal"
            autoComplete="off"
            placeholder={last === undefined ? "e.g. 60000" : formatPrice(last)}
            value={price.value}
            disabled={disabled}
            aria-invalid={parsed !== null && !parsed.ok}
            aria-describedby="price-alert-message"
            onInput={(event) => {
              price.value = (event.currentTarget as HTMLInputElement).value;
              message.value = null;
            }}
          />
        </label>
        <div class="segmented direction" role="group" aria-label="Direction">
          {(["above", "below"] as const).map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={direction === name}
              class={cx(direction === name && "is-active")}
              disabled={disabled}
              onClick={() => (chosen.value = name)}
            >
              {name === "above" ? "▲ Above" : "▼ Below"}
            </button>
          ))}
        </div>
        {saved === "" && (
          <TokenField
            value={typed.value}
            disabled={disabled}
            onInput={(value) => (typed.value = value)}
          />
        )}
        <button class="primary" type="submit" disabled={disabled}>
          {busy.value ? "Saving…" : "Set alert"}
        </button>
        <FormStatus
          id="price-alert-message"
          field="price-alert-message"
          writable={props.writable}
          notice={message.value}
          invalid={parsed && !parsed.ok ? parsed.detail : undefined}
        />
      </form>
      <ul class="price-alert-list" data-field="price-alerts">
        {alerts.map((alert) => (
          <li
            key={alert.id}
            class={cx("price-alert", alert.symbol === symbol && "is-selected")}
            data-price-alert-id={alert.id}
          >
            <span class="row-symbol">{alert.symbol.replace("-USDT", "")}</span>
            <span
              class={cx("num", alert.direction === "above" ? "up" : "down")}
            >
              {alert.direction === "above" ? "▲" : "▼"}{" "}
              {formatPrice(alert.price)}
            </span>
            <span
              class="muted"
              title={alert.armed
                ? "Fires once when the price crosses the level"
                : "Fired; re-arms once the price has moved back past the level"}
            >
              {alert.armed ? "armed" : "fired"}
            </span>
            <button
              type="button"
              class="link-button"
              disabled={disabled}
              aria-label={`Delete the ${alert.symbol} alert ${alert.direction} ${
                formatPrice(alert.price)
              }`}
              onClick={() => remove(alert)}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      {alerts.length === 0 && (
        <p class="empty-note">
          No price alerts. Set one to hear when a level breaks.
        </p>
      )}
    </section>
  );
}
