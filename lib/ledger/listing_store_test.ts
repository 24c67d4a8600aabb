import assert from "node:assert/strict";
import type { TrackedSymbol } from "../market/tracked_symbol.ts";
import { loadListings, saveListing } from "./listing_store.ts";
import { withKv } from "./test_utils.ts";

const perps = (n: number): TrackedSymbol[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `S${i}-USDT-PERP`,
    upstream: `S${i}USDT`,
    category: "linear",
  }));

Deno.test("listing store - a saved listing is loaded back, chunked and replaced whole", async () => {
  await withKv(async (kv) => {
    assert.deepEqual(await loadListings(kv), {});
    await saveListing(kv, "linear", perps(1_900));
    await saveListing(kv, "spot", [
      { id: "BTC-USDT", upstream: "BTCUSDT", category: "spot" },
    ]);
    let loaded = await loadListings(kv);
    assert.equal(loaded.linear?.length, 1_900);
    assert.deepEqual(loaded.linear?.[1_899], perps(1_900)[1_899]);
    assert.equal(loaded.spot?.length, 1);
    await saveListing(kv, "linear", perps(3));
    loaded = await loadListings(kv);
    assert.deepEqual(loaded.linear, perps(3), "no chunk of the old one left");
  });
});
