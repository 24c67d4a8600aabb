/**
 * Shared by the ledger's tests: a fresh in-memory Deno KV per test, always
 * closed, so no test leaks a store or sees another's data; and the alert
 * draft both trails' tests store.
 */
import type { AlertDraft } from "../alerts/alert_draft.ts";
import type { AlertKind } from "../protocol/frames.ts";

/** A draft raised at `at` (a whale trade on the buy side by default). */
export function alertDraft(
  at: number,
  symbol = "BTC-USDT",
  kind: AlertKind = "whale_trade",
): AlertDraft {
  return {
    at,
    symbol,
    kind,
    price: 60_000,
    notional: 300_000,
    threshold: 250_000,
    ...(kind === "whale_trade" ? { side: "Buy" as const } : {}),
    source: "simulator",
  };
}

/** Runs `fn` with a new `:memory:` KV and closes it afterwards. */
export async function withKv(
  fn: (kv: Deno.Kv) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}
