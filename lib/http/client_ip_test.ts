import assert from "node:assert/strict";
import { resolveClient } from "./client_ip.ts";
import { TrustedProxies } from "./trusted_proxies.ts";

function info(hostname: string): Deno.ServeHandlerInfo {
  return {
    remoteAddr: { transport: "tcp", hostname, port: 51_000 },
    completed: Promise.resolve(),
  };
}

const PEER = info("203.0.113.7");
const PROXY = info("10.0.0.2");
const TRUSTED = new TrustedProxies(["10.0.0.0/8", "fd00::/8"]);
const NONE = new TrustedProxies([]);

function request(forwarded?: string): Request {
  return new Request("http://127.0.0.1:8000/api/health", {
    headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded },
  });
}

Deno.test("resolveClient - the socket's address when no proxy is trusted", () => {
  assert.deepEqual(resolveClient(request("198.51.100.1"), PEER, NONE), {
    ip: "203.0.113.7",
    forwarded: false,
  });
});

Deno.test("resolveClient - X-Forwarded-For from a peer outside TRUSTED_PROXIES is ignored", () => {
  for (const forwarded of ["198.51.100.1", "10.0.0.3", "6.6.6.6, 10.0.0.9"]) {
    assert.deepEqual(resolveClient(request(forwarded), PEER, TRUSTED), {
      ip: "203.0.113.7",
      forwarded: false,
    });
  }
});

Deno.test("resolveClient - behind a trusted proxy the right-most untrusted address is the client", () => {
  const cases: [string, string][] = [
    ["198.51.100.1", "198.51.100.1"],
    ["6.6.6.6, 198.51.100.1", "198.51.100.1"],
    ["6.6.6.6, 198.51.100.1, 10.1.1.1", "198.51.100.1"],
    [" 2001:db8::1 , fd00::5", "2001:db8::1"],
    ["10.9.9.9, 10.1.1.1", "10.9.9.9"],
  ];
  for (const [forwarded, client] of cases) {
    assert.deepEqual(resolveClient(request(forwarded), PROXY, TRUSTED), {
      ip: client,
      forwarded: true,
    }, forwarded);
  }
});

Deno.test("resolveClient - garbage stops the walk at the last trusted hop", () => {
  const cases: [string, string][] = [
    ["", "10.0.0.2"],
    ["not-an-ip", "10.0.0.2"],
    ["<script>", "10.0.0.2"],
    ["1.2.3.4; drop", "10.0.0.2"],
    ["1.2.3.4:80", "10.0.0.2"],
    ["1.2.3.4, ", "10.0.0.2"],
    ["198.51.100.1, junk, 10.1.1.1", "10.1.1.1"],
  ];
  for (const [forwarded, client] of cases) {
    assert.equal(
      resolveClient(request(forwarded), PROXY, TRUSTED).ip,
      client,
      JSON.stringify(forwarded),
    );
  }
});

Deno.test("resolveClient - a trusted proxy without the header is the client itself", () => {
  assert.deepEqual(resolveClient(request(), PROXY, TRUSTED), {
    ip: "10.0.0.2",
    forwarded: true,
  });
});

Deno.test("resolveClient - a Unix socket peer is 'local' and never trusted", () => {
  const unix = {
    remoteAddr: { transport: "unix", path: "/tmp/s.sock" },
    completed: Promise.resolve(),
  } as unknown as Deno.ServeHandlerInfo;
  assert.deepEqual(resolveClient(request("1.2.3.4"), unix, TRUSTED), {
    ip: "local",
    forwarded: false,
  });
});
