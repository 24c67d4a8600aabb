/**
 * Shared by the ledger's tests: a fresh in-memory Deno KV per test, always
 * closed, so no test leaks a store or sees another's data.
 */

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
