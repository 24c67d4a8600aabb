import assert from "node:assert/strict";
import {
  arrivedOverHttps,
  SECURITY_HEADERS,
  withSecurityHeaders,
} from "./security_headers.ts";

function assertSecured(response: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(response.headers.get(name), value, name);
  }
}

Deno.test("security headers - the CSP forbids framing and foreign sources", () => {
  const csp = SECURITY_HEADERS["content-security-policy"];
  assert.match(csp, /(^|; )default-src 'self'(;|$)/);
  assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
  assert.equal(SECURITY_HEADERS["x-frame-options"], "DENY");
  assert.equal(SECURITY_HEADERS["x-content-type-options"], "nosniff");
  assert.ok(SECURITY_HEADERS["referrer-policy"]);
});

Deno.test("withSecurityHeaders - adds every header and keeps the rest", async () => {
  const response = withSecurityHeaders(
    new Response("hello", {
      status: 404,
      headers: { "content-type": "text/plain", "x-frame-options": "ALLOW" },
    }),
  );
  assertSecured(response);
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("content-type"), "text/plain");
  assert.equal(await response.text(), "hello");
});

Deno.test("withSecurityHeaders - a 101 upgrade response is returned untouched", () => {
  const headers = new Headers({ upgrade: "websocket" });
  const upgrade = { status: 101, headers } as unknown as Response;
  const result = withSecurityHeaders(upgrade);
  assert.equal(result, upgrade);
  assert.deepEqual([...headers.keys()], ["upgrade"]);
});

Deno.test("withSecurityHeaders - a response with immutable headers is copied", async () => {
  const redirect = Response.redirect("http://127.0.0.1:8000/", 302);
  assert.throws(() => redirect.headers.set("x-probe", "1"));
  const result = withSecurityHeaders(redirect);
  assert.notEqual(result, redirect);
  assertSecured(result);
  assert.equal(result.status, 302);
  assert.equal(result.headers.get("location"), "http://127.0.0.1:8000/");
  await result.body?.cancel();
});

Deno.test("withSecurityHeaders - Strict-Transport-Security only for HTTPS requests", async () => {
  const secure = withSecurityHeaders(new Response("x"), true);
  assert.equal(
    secure.headers.get("strict-transport-security"),
    "max-age=31536000",
  );
  const plain = withSecurityHeaders(new Response("x"));
  assert.equal(plain.headers.get("strict-transport-security"), null);
  await secure.body?.cancel();
  await plain.body?.cancel();
});

Deno.test("arrivedOverHttps - direct TLS, or a trusted proxy's X-Forwarded-Proto", () => {
  const proto = (value: string) => ({ "x-forwarded-proto": value });
  assert.equal(
    arrivedOverHttps(new Request("https://x.example/"), false),
    true,
  );
  assert.equal(
    arrivedOverHttps(new Request("http://x.example/"), false),
    false,
  );
  const viaProxy = new Request("http://x.example/", {
    headers: proto("https"),
  });
  assert.equal(arrivedOverHttps(viaProxy, true), true);
  assert.equal(arrivedOverHttps(viaProxy, false), false);
  for (const value of ["http", "HTTPS ", "https, http", "ftp"]) {
    const req = new Request("http://x.example/", { headers: proto(value) });
    assert.equal(
      arrivedOverHttps(req, true),
      value.trim().toLowerCase().startsWith("https"),
      value,
    );
  }
});
