import assert from "node:assert/strict";
import { ipKey } from "./ip_key.ts";

Deno.test("ipKey - an IPv4 client is its address, mapped or not", () => {
  assert.equal(ipKey("203.0.113.7"), "203.0.113.7");
  assert.equal(ipKey("::ffff:203.0.113.7"), "203.0.113.7");
});

Deno.test("ipKey - IPv6 clients in one /64 share a key", () => {
  const key = ipKey("2001:db8:1:2::1");
  assert.equal(key, "2001:db8:1:2::/64");
  assert.equal(ipKey("2001:db8:1:2:ffff:ffff:ffff:ffff"), key);
  assert.equal(ipKey("2001:0db8:0001:0002:a:b:c:d"), key);
  assert.notEqual(ipKey("2001:db8:1:3::1"), key);
});

Deno.test("ipKey - a non-IP peer (a Unix socket) keeps its name", () => {
  assert.equal(ipKey("local"), "local");
});
