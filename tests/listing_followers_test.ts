/**
 * `SYMBOLS=all` with a shared stream engine (`STREAM_ENGINE=kv`, two
 * instances in one process on one KV handle, as Deno Deploy runs them): a
 * listing change the leader reads reaches the follower through the engine's
 * control channel at once, with its ticks — here the follower cannot read the
 * instruments listing at all, so only the announcement can tell it.
 * Awaited with deadlines.
 */
import assert from "node:assert/strict";
import type { Sentinel } from "../lib/service/sentinel_service.ts";
import { kvInstances } from "./support/kv_instances.ts";
import { pollUntil } from "./support/poll_until.ts";

/** A fetch for which the instruments endpoint is always down. */
const noListing: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (url.includes("instruments-info")) {
    return Promise.resolve(new Response("down", { status: 503 }));
  }
  return fetch(input, init);
};

Deno.test({
  name:
    "listing followers - a follower that cannot read the listing follows the leader's changes through the engine",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const stack = await kvInstances({
    SYMBOLS: "all",
    MARKETS: "spot",
    INSTRUMENTS_REFRESH_SECONDS: "0.5",
    // Only the leader announces: keep the roles put on a loaded machine.
    LEADER_LEASE_SECONDS: "10",
  });
  try {
    const role = (s: Sentinel) => s.services.diagnostics().engine?.role;
    const leader = await stack.start("listing-a");
    await pollUntil(() => role(leader) === "leader", "a leader");
    const follower = await stack.start("listing-b", noListing);
    await pollUntil(() => role(follower) === "follower", "a follower");
    const tracked = (s: Sentinel) =>
      s.services.symbols().symbols.map((x) => x.symbol);
    const ticking = (s: Sentinel, id: string) =>
      s.services.symbols().symbols.some((x) =>
        x.symbol === id && x.tick !== null
      );

    stack.exchange.exchange.list("spot", "NEWCOINUSDT");
    await pollUntil(
      () => ticking(follower, "NEWCOIN-USDT"),
      "the follower streaming the new listing",
      15_000,
    );
    assert.ok(tracked(leader).includes("NEWCOIN-USDT"));
    const listing = follower.services.diagnostics().listing;
    assert.ok(
      listing?.markets.every((m) => m.status !== "loaded"),
      "the follower never read the listing itself",
    );

    stack.exchange.exchange.delist("spot", "NEWCOINUSDT");
    await pollUntil(
      () => !tracked(follower).includes("NEWCOIN-USDT"),
      "the follower dropping the delisting",
      15_000,
    );
    assert.ok(!tracked(leader).includes("NEWCOIN-USDT"));
    assert.equal(role(leader), "leader", "the roles never moved");
  } finally {
    await stack.close();
  }
});
