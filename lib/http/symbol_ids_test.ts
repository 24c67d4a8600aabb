import assert from "node:assert/strict";
import { HttpError } from "../web/mod.ts";
import { MAX_SYMBOL_IDS, parseSymbolIds } from "./symbol_ids.ts";

const ids = (query: string) => parseSymbolIds(new URLSearchParams(query));

Deno.test("parseSymbolIds - without ids every symbol; ids= none; names trimmed, empty ones dropped", () => {
  assert.equal(ids(""), undefined);
  assert.deepEqual(ids("ids="), []);
  assert.deepEqual(ids("ids= btc-usdt ,,ETH-USDT-PERP"), [
    "btc-usdt",
    "ETH-USDT-PERP",
  ]);
});

Deno.test("parseSymbolIds - more than the cap is a 400 naming it", () => {
  const many = Array.from({ length: MAX_SYMBOL_IDS }, (_, i) => `S${i}-USDT`);
  assert.equal(ids(`ids=${many.join(",")}`)?.length, MAX_SYMBOL_IDS);
  assert.throws(
    () => ids(`ids=${[...many, "ONE-USDT"].join(",")}`),
    (error) =>
      error instanceof HttpError && error.status === 400 &&
      /ids names at most 32 symbols, got 33/.test(error.message),
  );
});
