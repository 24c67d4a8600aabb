import assert from "node:assert/strict";
import { checkOrigin, type OriginPolicy, ownOrigin } from "./origin_policy.ts";

const OWN = "http://localhost:8000";
const POLICY: OriginPolicy = {
  allowed: new Set(["https://dash.example.com"]),
  allowMissing: true,
};

Deno.test("checkOrigin - the service's own origin is allowed", () => {
  assert.deepEqual(checkOrigin(OWN, OWN, POLICY), { ok: true });
});

Deno.test("checkOrigin - an allowlisted origin is allowed", () => {
  assert.deepEqual(
    checkOrigin("https://dash.example.com", OWN, POLICY),
    { ok: true },
  );
});

Deno.test("checkOrigin - near misses of the own origin are rejected", () => {
  const attempts = [
    "http://evil-localhost.com",
    "http://localhost.evil.com",
    "http://evil.com?localhost:8000",
    "http://localhost:8000.evil.com",
    "null",
    "http://localhost:8000\n",
    "http://localhost:8000 ",
    " http://localhost:8000",
    "http://localhost:8000/",
    "http://localhost:8001",
    "http://localhost",
    "https://localhost:8000",
    "HTTP://LOCALHOST:8000",
    "http://Localhost:8000",
    "",
  ];
  for (const origin of attempts) {
    const verdict = checkOrigin(origin, OWN, POLICY);
    assert.equal(verdict.ok, false, JSON.stringify(origin));
  }
});

Deno.test("checkOrigin - near misses of an allowlisted origin are rejected", () => {
  for (
    const origin of [
      "https://dash.example.com.evil.com",
      "https://evil-dash.example.com",
      "http://dash.example.com",
      "https://dash.example.com:444",
    ]
  ) {
    assert.equal(checkOrigin(origin, OWN, POLICY).ok, false, origin);
  }
});

Deno.test("checkOrigin - the rejection reason is safe to show", () => {
  const verdict = checkOrigin("https://evil.com", OWN, POLICY);
  assert.equal(verdict.ok, false);
  if (!verdict.ok) {
    assert.match(verdict.reason, /^[A-Z]/);
    assert.ok(!verdict.reason.includes("evil.com"));
  }
});

Deno.test("checkOrigin - a missing origin is allowed when the policy allows it", () => {
  assert.deepEqual(checkOrigin(null, OWN, POLICY), { ok: true });
});

Deno.test("checkOrigin - a missing origin is rejected when the policy requires one", () => {
  const verdict = checkOrigin(null, OWN, { ...POLICY, allowMissing: false });
  assert.equal(verdict.ok, false);
  if (!verdict.ok) assert.match(verdict.reason, /Origin header is required/);
});

Deno.test("ownOrigin - without a trusted proxy the request URL decides", () => {
  const req = new Request("http://127.0.0.1:8000/ws/price/BTC-USDT", {
    headers: {
      "x-forwarded-proto": "https",
      "x-forwarded-host": "evil.example",
    },
  });
  assert.equal(ownOrigin(req, false), "http://127.0.0.1:8000");
});

Deno.test("ownOrigin - behind a trusted proxy the forwarded scheme and host decide", () => {
  const req = new Request("http://127.0.0.1:8000/ws/stream", {
    headers: {
      "x-forwarded-proto": "https, http",
      "x-forwarded-host": "sentinel.example.com, internal:8000",
    },
  });
  assert.equal(ownOrigin(req, true), "https://sentinel.example.com");
});

Deno.test("ownOrigin - a trusted proxy without X-Forwarded-Host falls back to Host", () => {
  const req = new Request("http://127.0.0.1:8000/ws/stream", {
    headers: { "x-forwarded-proto": "https", host: "sentinel.example.com" },
  });
  assert.equal(ownOrigin(req, true), "https://sentinel.example.com");
});

Deno.test("ownOrigin - a trusted proxy without Host headers uses the URL's host", () => {
  const req = new Request("http://127.0.0.1:8000/ws/stream", {
    headers: { "x-forwarded-proto": "https" },
  });
  assert.equal(ownOrigin(req, true), "https://127.0.0.1:8000");
});

Deno.test("ownOrigin - an unknown forwarded scheme is ignored", () => {
  for (const proto of ["ftp", "javascript", ""]) {
    const req = new Request("http://127.0.0.1:8000/ws/stream", {
      headers: { "x-forwarded-proto": proto, "x-forwarded-host": "a.example" },
    });
    assert.equal(ownOrigin(req, true), "http://127.0.0.1:8000", proto);
  }
});
