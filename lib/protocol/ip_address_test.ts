import assert from "node:assert/strict";
import { formatIpAddress, parseIpAddress, parseIpRange } from "./ip_address.ts";

function hex(text: string): string {
  const address = parseIpAddress(text);
  assert.ok(address, text);
  return Array.from(address.bytes, (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

Deno.test("parseIpAddress - IPv4 becomes an IPv4-mapped IPv6 address", () => {
  assert.equal(hex("192.0.2.1"), "00000000000000000000ffffc0000201");
  assert.equal(hex("::ffff:192.0.2.1"), hex("192.0.2.1"));
  assert.equal(parseIpAddress("::ffff:c000:201")?.v4, true);
  assert.equal(parseIpAddress("192.0.2.1")?.v4, true);
});

Deno.test("parseIpAddress - IPv6 forms expand to the same bytes", () => {
  assert.equal(hex("2001:db8::1"), "20010db8000000000000000000000001");
  assert.equal(hex("2001:DB8:0:0:0:0:0:1"), hex("2001:db8::1"));
  assert.equal(hex("::"), "0".repeat(32));
  assert.equal(hex("::1"), "0".repeat(31) + "1");
  assert.equal(hex("fe80::1%eth0"), hex("fe80::1"));
  assert.equal(hex("64:ff9b::192.0.2.1"), "0064ff9b0000000000000000c0000201");
  assert.equal(parseIpAddress("2001:db8::1")?.v4, false);
});

Deno.test("parseIpAddress - anything but a literal address is refused", () => {
  for (
    const text of [
      "",
      "localhost",
      "127.1",
      "0x7f.0.0.1",
      "01.2.3.4",
      "1.2.3.4/8",
      "1.2.3.256",
      "2001:db8:::1",
      "[::1]",
      "1.2.3.4:80",
      " 1.2.3.4",
    ]
  ) {
    assert.equal(parseIpAddress(text), undefined, JSON.stringify(text));
  }
});

Deno.test("formatIpAddress - IPv4 is dotted, IPv6 uncompressed words", () => {
  assert.equal(formatIpAddress(parseIpAddress("::ffff:10.1.2.3")!), "10.1.2.3");
  assert.equal(
    formatIpAddress(parseIpAddress("2001:db8::1")!),
    "2001:db8:0:0:0:0:0:1",
  );
  assert.equal(
    formatIpAddress(parseIpAddress("2001:db8:a:b:c::1")!, 4),
    "2001:db8:a:b",
  );
});

Deno.test("parseIpRange - prefixes past the address size and junk are refused", () => {
  for (
    const text of [
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0/",
      "10.0.0.0/8/8",
      "/8",
      "example.com",
      "10.0.0.0/-1",
      "fe80::1%eth0",
      "10.0.0.0 /8",
    ]
  ) assert.equal(parseIpRange(text), undefined, text);
  assert.deepEqual(parseIpRange("::ffff:10.0.0.0/104")?.prefix, 104);
  assert.deepEqual(parseIpRange("10.0.0.0/8")?.prefix, 104);
});
