/**
 * Shared by the ledger's tests: a fresh in-memory Deno KV per test, always
 * closed, so no test leaks a store or sees another's data; the alert draft
 * both trails' tests store; and a KV engine's lease for the fenced stores.
 */
import type { AlertDraft } from "../alerts/alert_draft.ts";
import { KvEngine } from "../engine/kv_engine.ts";
import type { Lease } from "../engine/stream_engine.ts";
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

/**
 * Two KV engine instances on `kv` for the fence of the stores beside a KV
 * engine: this one (`a`), which takes the lease on `grant()`, and another
 * (`b`) that `revoke()` hands it to.
 */
export async function kvLeaseHolders(kv: Deno.Kv) {
  const open = (instance: string) =>
    KvEngine.open({ kv, historySize: 10, channels: [], instance });
  const [mine, other] = [await open("a"), await open("b")];
  let lease: Lease | undefined;
  return {
    /** This instance's engine (its `fenceCheck`). */
    engine: mine,
    /** The check fencing a commit to the lease held now, if held. */
    check: (): Deno.AtomicCheck | undefined => lease && mine.fenceCheck(lease),
    grant: async (): Promise<Lease> =>
      lease ??= (await mine.acquireLease(60_000))!,
    revoke: async (): Promise<void> => {
      await mine.releaseLease(lease!);
      await other.acquireLease(60_000);
    },
    close: async (): Promise<void> => {
      await mine.close();
      await other.close();
    },
  };
}
