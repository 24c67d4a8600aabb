import assert from "node:assert/strict";
import { redactSecrets } from "./redact_secrets.ts";

Deno.test("redactSecrets - URL credentials, queries and fragments are removed", () => {
  assert.equal(
    redactSecrets("https://user:pw@api.example.com:8443/v5/x?token=abc#top"),
    "https://***@api.example.com:8443/v5/x?…",
  );
  assert.equal(
    redactSecrets("got wss://a@h/p and http://h/q?k=v, then text"),
    "got wss://***@h/p and http://h/q?… then text",
  );
});

Deno.test("redactSecrets - userinfo is removed even from text that is not a URL", () => {
  assert.equal(redactSecrets("https//user:pw@host?x=1"), "https//***@host?…");
  assert.equal(redactSecrets("user:pw@host"), "***@host");
});

Deno.test("redactSecrets - long opaque tokens are masked, ordinary values kept", () => {
  assert.equal(
    redactSecrets("key sk_live_4eC39HqLyjWDarjtT1zdp7dc here"),
    "key *** here",
  );
  for (
    const plain of [
      "BTC-USDT,ETH-USDT,1000SATS-USDT=10000SATSUSDT",
      "BTC-USDT=50000000",
      "expected an http(s) URL",
      "./data/sentinel.kv",
      "0.05",
    ]
  ) {
    assert.equal(redactSecrets(plain), plain);
  }
});
