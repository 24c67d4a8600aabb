import assert from "node:assert/strict";
import { requireAdmin } from "./admin_auth.ts";
import { HttpError } from "../web/mod.ts";

const TOKEN = "correct-horse-battery-staple";

function put(authorization?: string): Request {
  return new Request("http://127.0.0.1:8000/api/thresholds/BTC-USDT", {
    method: "PUT",
    headers: authorization === undefined ? {} : { authorization },
  });
}

async function failure(
  req: Request,
  expected: string | undefined,
): Promise<HttpError> {
  try {
    await requireAdmin(req, expected);
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return error;
  }
  assert.fail("expected requireAdmin to throw");
}

Deno.test("requireAdmin - without a configured token writes are disabled (403)", async () => {
  const error = await failure(put(`Bearer ${TOKEN}`), undefined);
  assert.equal(error.status, 403);
  assert.equal(error.code, "admin_disabled");
});

Deno.test("requireAdmin - a missing bearer token is 401 with WWW-Authenticate", async () => {
  for (
    const header of [undefined, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer "]
  ) {
    const error = await failure(put(header), TOKEN);
    assert.equal(error.status, 401, String(header));
    assert.match(error.headers["www-authenticate"], /^Bearer realm=/);
  }
});

Deno.test("requireAdmin - a wrong token is 403", async () => {
  for (
    const token of [
      "wrong",
      TOKEN.slice(0, -1),
      `${TOKEN}x`,
      TOKEN.toUpperCase(),
    ]
  ) {
    const error = await failure(put(`Bearer ${token}`), TOKEN);
    assert.equal(error.status, 403, token);
    assert.equal(error.code, "forbidden");
  }
});

Deno.test("requireAdmin - the error never echoes either token", async () => {
  const error = await failure(put("Bearer guess-guess-guess"), TOKEN);
  assert.ok(!error.message.includes(TOKEN));
  assert.ok(!error.message.includes("guess-guess-guess"));
});

Deno.test("requireAdmin - the right token passes", async () => {
  await requireAdmin(put(`Bearer ${TOKEN}`), TOKEN);
  await requireAdmin(put(`bearer ${TOKEN}`), TOKEN);
});
