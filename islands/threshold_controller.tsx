import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { putThreshold } from "../lib/client/api_client.ts";
import {
  type FormNotice,
  FormStatus,
  TokenField,
} from "../lib/client/admin_form.tsx";
import { cx } from "../lib/client/class_names.ts";
import { formatUsd, formatUsdt } from "../lib/client/format.ts";
import {
  parseThresholdInput,
  THRESHOLD_PRESETS,
} from "../lib/client/threshold_input.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode ThresholdController}. */
export interface ThresholdControllerProps {
  readonly symbols: readonly string[];
  readonly selected: Signal<string>;
  readonly thresholds: Readonly<Record<string, number>>;
  /** False when the server has no admin token: writes are disabled. */
  readonly writable: boolean;
}

/**
 * Sets a pair's whale threshold: presets from $1M to $100M or a typed amount,
 * checked in the browser with the server's rules, then sent with the admin
 * token, which the operator types and which stays in this tab only (shared
 * with the price-alert form). The
 * server's answer — success or its exact error — is shown.
 */
export default function ThresholdController(props: ThresholdControllerProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    thresholds: props.thresholds,
  });
  const symbol = useSignal(props.selected.peek());
  const amount = useSignal("");
  const token = useSignal("");
  const message = useSignal<FormNotice>(null);
  const busy = useSignal(false);

  const saved = dashboard.adminToken.value;
  useEffect(() => {
    if (saved !== "" && token.peek() === "") token.value = saved;
  }, [saved]);
  useEffect(() => {
    symbol.value = props.selected.value;
  }, [props.selected.value]);

  const current = dashboard.store.thresholds.value[symbol.value];
  const parsed = amount.value === "" ? null : parseThresholdInput(amount.value);
  const disabled = !props.writable || busy.value;

  const submit = async (event: Event) => {
    event.preventDefault();
    const input = parseThresholdInput(amount.value);
    if (!input.ok) {
      message.value = { kind: "error", text: input.detail };
      return;
    }
    if (token.value.trim() === "") {
      message.value = { kind: "error", text: "Enter the admin token" };
      return;
    }
    busy.value = true;
    message.value = null;
    const result = await putThreshold(
      fetch,
      symbol.value,
      input.value,
      token.value.trim(),
    );
    busy.value = false;
    if (result.ok) {
      dashboard.store.setThreshold(result.data.symbol, result.data.threshold);
      dashboard.rememberAdminToken(token.value.trim());
      message.value = {
        kind: "ok",
        text: `${result.data.symbol} threshold set to ${
          formatUsdt(result.data.threshold)
        } (was ${formatUsdt(result.data.previous)})`,
      };
      amount.value = "";
    } else {
      message.value = {
        kind: "error",
        text: `${result.detail} (HTTP ${result.status || "—"})`,
      };
    }
  };

  return (
    <section class="panel thresholds" aria-labelledby="thresholds-title">
      <header class="panel-head">
        <h2 id="thresholds-title">Whale threshold</h2>
        <span class="muted num">now {formatUsd(current)}</span>
      </header>
      <form class="threshold-form" onSubmit={submit} noValidate>
        <label class="field">
          <span>Pair</span>
          <select
            name="symbol"
            value={symbol.value}
            disabled={disabled}
            onChange={(
              event,
            ) => (symbol.value =
              (event.currentTarget as HTMLSelectElement).value)}
          >
            {props.symbols.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <div class="presets" role="group" aria-label="Preset thresholds">
          {THRESHOLD_PRESETS.map((preset) => (
            <button
              key={preset}
              type="button"
              class={cx(
                "chip",
                parsed?.ok && parsed.value === preset && "is-active",
              )}
              aria-pressed={parsed?.ok === true && parsed.value === preset}
              disabled={disabled}
              onClick={() => {
                amount.value = String(preset);
                message.value = null;
              }}
            >
              {formatUsd(preset)}
            </button>
          ))}
        </div>
        <label class="field">
          <span>New threshold (USDT)</span>
          <input
            name="threshold"
            inputMode="decimal"
            autoComplete="off"
            placeholder="e.g. 25M or 25,000,000"
            value={amount.value}
            disabled={disabled}
            aria-invalid={parsed !== null && !parsed.ok}
            aria-describedby="threshold-message"
            onInput={(event) => {
              amount.value = (event.currentTarget as HTMLInputElement).value;
              message.value = null;
            }}
          />
        </label>
        <TokenField
          value={token.value}
          disabled={disabled}
          onInput={(value) => (token.value = value)}
        />
        <button class="primary" type="submit" disabled={disabled}>
          {busy.value ? "Applying…" : "Apply threshold"}
        </button>
        <FormStatus
          id="threshold-message"
          field="threshold-message"
          writable={props.writable}
          notice={message.value}
          invalid={parsed && !parsed.ok ? parsed.detail : undefined}
        />
      </form>
    </section>
  );
}
