import assert from "node:assert/strict";
import { edgeMiddleware, type EdgeState } from "./edge_middleware.ts";
import { SECURITY_HEADERS } from "./security_headers.ts";
import { TrustedProxies } from "./trusted_proxies.ts";
import { HttpError, type RouteContext } from "../web/mod.ts";

const INFO: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "10.0.0.7", port: 1 },
  completed: Promise.resolve(),
};

function harness(
  next: () => Promise<Response>,
  refusal?: HttpError,
) {
  const errors: Record<string, unknown>[] = [];
  const taken: string[] = [];
  const edge = edgeMiddleware<EdgeState>({
    rateLimits: {
      take: (pathname, key) => {
        taken.push(`${pathname} ${key}`);
        if (refusal) throw refusal;
      },
    },
    logger: { error: (_message, fields) => errors.push(fields ?? {}) },
    trustedProxies: new TrustedProxies(["10.0.0.0/8"]),
  });
  const call = (path: string, headers: HeadersInit = {}) => {
    const req = new Request(`http://localhost${path}`, { headers });
    const ctx = {
      url: new URL(req.url),
      params: {},
      state: { clientIp: "", forwarded: false },
      info: INFO,
      next,
      render: () => Promise.reject(new Error("no page")),
      renderNotFound: () => Promise.reject(new Error("no page")),
    } satisfies RouteContext<EdgeState>;
    return { response: edge(req, ctx), ctx };
  };
  return { call, errors, taken };
}

function assertSecurityHeaders(response: Response) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(response.headers.get(name), value, name);
  }
}

Deno.test("edgeMiddleware - returns a named middleware", () => {
  const edge = edgeMiddleware({
    rateLimits: { take() {} },
    logger: { error() {} },
    trustedProxies: new TrustedProxies([]),
  });
  assert.equal(edge.name, "edge");
});

Deno.test("edgeMiddleware - resolves the client and rate-limits every path by its key", async () => {
  const { call, taken } = harness(() => Promise.resolve(new Response("ok")));
  const api = call("/api/health", { "x-forwarded-for": "1.1.1.1, 2.2.2.2" });
  assertSecurityHeaders(await api.response);
  assert.equal(api.ctx.state.clientIp, "2.2.2.2");
  assert.equal(api.ctx.state.forwarded, true);
  await call("/", { "x-forwarded-for": "2001:db8:1:2::1" }).response;
  assert.deepEqual(taken, ["/api/health 2.2.2.2", "/ 2001:db8:1:2::/64"]);
});

Deno.test("edgeMiddleware - over the limit: 429 with Retry-After and the security headers", async () => {
  let called = false;
  const { call, errors } = harness(
    () => {
      called = true;
      return Promise.resolve(new Response("ok"));
    },
    new HttpError(429, "rate_limited", "Too many requests; retry in 7 s", {
      headers: { "retry-after": "7" },
    }),
  );
  const response = await call("/api/health").response;
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "7");
  assertSecurityHeaders(response);
  assert.deepEqual(await response.json(), {
    error: "rate_limited",
    detail: "Too many requests; retry in 7 s",
  });
  assert.equal(called, false);
  assert.deepEqual(errors, [], "a refusal is not logged");
});

Deno.test("edgeMiddleware - thrown errors become JSON; only unexpected ones are logged", async () => {
  const refused = harness(() =>
    Promise.reject(new HttpError(404, "unknown_symbol", "X is not tracked"))
  );
  const notFound = await refused.call("/api/rooms/X").response;
  assert.equal(notFound.status, 404);
  assertSecurityHeaders(notFound);
  assert.deepEqual(await notFound.json(), {
    error: "unknown_symbol",
    detail: "X is not tracked",
  });
  assert.deepEqual(refused.errors, []);

  const broken = harness(() => Promise.reject(new Error("secret detail")));
  const failed = await broken.call("/api/health").response;
  assert.equal(failed.status, 500);
  assertSecurityHeaders(failed);
  assert.ok(!(await failed.text()).includes("secret"));
  assert.equal(broken.errors.length, 1);
  assert.equal(broken.errors[0].path, "/api/health");
  assert.match(String(broken.errors[0].error), /secret detail/);
});

Deno.test("edgeMiddleware - a route's large JSON answer is gzipped for a client that accepts it, headers kept", async () => {
  const body = JSON.stringify({
    symbols: Array.from({ length: 500 }, (_, i) => `S${i}`),
  });
  const { call } = harness(() =>
    Promise.resolve(Response.json(JSON.parse(body)))
  );
  const zipped = await call("/api/symbols", { "accept-encoding": "gzip, br" })
    .response;
  assert.equal(zipped.headers.get("content-encoding"), "gzip");
  assertSecurityHeaders(zipped);
  const text = await new Response(
    zipped.body!.pipeThrough(new DecompressionStream("gzip")),
  ).text();
  assert.equal(text, body);
  const plain = await call("/api/symbols").response;
  assert.equal(plain.headers.get("content-encoding"), null);
  assertSecurityHeaders(plain);
  assert.equal(await plain.text(), body);
});
