import assert from "node:assert/strict";
import { clientIp } from "./client_ip.ts";

const TCP: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "203.0.113.7", port: 51_000 },
  completed: Promise.resolve(),
};

function request(forwarded?: string): Request {
  return new Request("http://127.0.0.1:8000/api/health", {
    headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded },
  });
}

Deno.test("clientIp - the socket's address without a trusted proxy", () => {
  assert.equal(clientIp(request(), TCP, false), "203.0.113.7");
});

Deno.test("clientIp - X-Forwarded-For is ignored unless the proxy is trusted", () => {
  assert.equal(clientIp(request("198.51.100.1"), TCP, false), "203.0.113.7");
});

Deno.test("clientIp - the entry our trusted proxy appended (right-most) is used, not a forged one", () => {
  assert.equal(
    clientIp(request("6.6.6.6, 198.51.100.1"), TCP, true),
    "198.51.100.1",
  );
  assert.equal(clientIp(request(" 2001:db8::1 "), TCP, true), "2001:db8::1");
});

Deno.test("clientIp - garbage in X-Forwarded-For falls back to the socket", () => {
  for (
    const forwarded of [
      "",
      "not-an-ip",
      "<script>",
      "1.2.3.4; drop",
      "1".repeat(46),
      "1.2.3.4, ",
      "beef",
      "::::",
    ]
  ) {
    assert.equal(
      clientIp(request(forwarded), TCP, true),
      "203.0.113.7",
      JSON.stringify(forwarded),
    );
  }
});

Deno.test("clientIp - a trusted proxy without the header uses the socket", () => {
  assert.equal(clientIp(request(), TCP, true), "203.0.113.7");
});

Deno.test("clientIp - a Unix socket peer is 'local'", () => {
  const unix = {
    remoteAddr: { transport: "unix", path: "/tmp/s.sock" },
    completed: Promise.resolve(),
  } as unknown as Deno.ServeHandlerInfo;
  assert.equal(clientIp(request("1.2.3.4"), unix, false), "local");
});
