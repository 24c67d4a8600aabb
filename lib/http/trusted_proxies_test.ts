import assert from "node:assert/strict";
import { TrustedProxies } from "./trusted_proxies.ts";

Deno.test("TrustedProxies - single addresses match only themselves", () => {
  const proxies = new TrustedProxies(["10.0.0.5", "2001:db8::7"]);
  assert.equal(proxies.contains("10.0.0.5"), true);
  assert.equal(proxies.contains("::ffff:10.0.0.5"), true);
  assert.equal(proxies.contains("10.0.0.6"), false);
  assert.equal(proxies.contains("2001:db8::7"), true);
  assert.equal(proxies.contains("2001:db8:0:0:0:0:0:7"), true);
  assert.equal(proxies.contains("2001:db8::8"), false);
});

Deno.test("TrustedProxies - CIDR ranges match by prefix, IPv4 and IPv6", () => {
  const proxies = new TrustedProxies([
    "10.0.0.0/8",
    "192.168.4.0/22",
    "fd00::/8",
    "2001:db8:1::/48",
  ]);
  for (
    const ip of [
      "10.255.1.2",
      "192.168.4.1",
      "192.168.7.255",
      "fd12:3456::1",
      "2001:db8:1:ffff::1",
    ]
  ) assert.equal(proxies.contains(ip), true, ip);
  for (
    const ip of [
      "11.0.0.1",
      "192.168.8.0",
      "192.168.3.255",
      "fe00::1",
      "2001:db8:2::1",
      "not-an-ip",
      "local",
    ]
  ) assert.equal(proxies.contains(ip), false, ip);
});

Deno.test("TrustedProxies - an IPv4 range does not match unrelated IPv6 addresses", () => {
  const proxies = new TrustedProxies(["0.0.0.0/0"]);
  assert.equal(proxies.contains("203.0.113.9"), true);
  assert.equal(proxies.contains("2001:db8::1"), false);
  assert.equal(new TrustedProxies(["::/0"]).contains("2001:db8::1"), true);
});

Deno.test("TrustedProxies - none trusted matches nothing", () => {
  const proxies = new TrustedProxies([]);
  assert.equal(proxies.contains("127.0.0.1"), false);
});

Deno.test("TrustedProxies - a bad entry is a RangeError naming it", () => {
  assert.throws(
    () => new TrustedProxies(["10.0.0.0/8", "10.0.0.300/8"]),
    (error: unknown) =>
      error instanceof RangeError && /"10\.0\.0\.300\/8"/.test(error.message),
  );
});
