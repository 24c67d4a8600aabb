import assert from "node:assert/strict";
import { HttpError } from "../web/mod.ts";
import { checkPublicHost } from "./public_host.ts";

const PUBLIC = "https://sentinel.example.com";

function request(headers: Record<string, string>): Request {
  return new Request("http://127.0.0.1:8000/api/symbols", { headers });
}

function status(
  headers: Record<string, string>,
  forwarded = false,
  path = "/api/symbols",
): number {
  try {
    checkPublicHost(request(headers), path, forwarded, PUBLIC);
    return 200;
  } catch (error) {
    assert.ok(error instanceof HttpError);
    return error.status;
  }
}

Deno.test("checkPublicHost - the public host passes, in any case and with its default port", () => {
  for (
    const host of [
      "sentinel.example.com",
      "Sentinel.Example.COM",
      "sentinel.example.com:443",
    ]
  ) assert.equal(status({ host }), 200, host);
});

Deno.test("checkPublicHost - any other host is a 421", () => {
  for (
    const host of [
      "attacker.example",
      "sentinel.example.com:8443",
      "sentinel.example.com.attacker.example",
      "attacker.example@sentinel.example.com",
      "sentinel.example.com/",
      "127.0.0.1:8000",
      "",
    ]
  ) assert.equal(status({ host }), 421, host);
});

Deno.test("checkPublicHost - X-Forwarded-Host counts only through a trusted proxy", () => {
  const headers = {
    host: "10.0.0.5:8000",
    "x-forwarded-host": "sentinel.example.com",
  };
  assert.equal(status(headers, true), 200);
  assert.equal(status(headers, false), 421);
  assert.equal(
    status({ host: "sentinel.example.com", "x-forwarded-host": "evil" }, true),
    421,
  );
});

Deno.test("checkPublicHost - /api/health answers any host (load balancer probes)", () => {
  assert.equal(status({ host: "10.0.0.5:8000" }, false, "/api/health"), 200);
});
