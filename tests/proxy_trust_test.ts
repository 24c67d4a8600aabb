/**
 * Forwarding headers count only from TRUSTED_PROXIES: a client that writes
 * its own X-Forwarded-For cannot dodge the per-IP limits or put a forged
 * address into the audit trail, while a real proxy's chain is honoured from
 * the right.
 */
import assert from "node:assert/strict";
import { attemptHandshake, connectClient } from "./support/ws_client.ts";
import { pollUntil, type Stack, startStack } from "./support/start_stack.ts";

const TOKEN = "an-admin-token-for-proxy-tests";

async function status(url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, init);
  await response.body?.cancel();
  return response.status;
}

/** Sets BTC-USDT's whale line with the admin token, sent as from `forwardedFor`. */
function putThreshold(stack: Stack, forwardedFor: string): Promise<number> {
  return status(`${stack.service.url}/api/thresholds/BTC-USDT`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${TOKEN}`,
      "content-type": "application/json",
      "x-forwarded-for": forwardedFor,
    },
    body: JSON.stringify({ threshold: 30_000_000 }),
  });
}

/** The caller addresses in the audit trail, newest first. */
async function auditedIps(stack: Stack): Promise<string[]> {
  const audit = await fetch(`${stack.service.url}/api/audit`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const { changes } = await audit.json();
  return changes.map((c: { actor_ip: string }) => c.actor_ip);
}

Deno.test("proxy trust - a rotated X-Forwarded-For from an untrusted peer bypasses neither the API limit nor the socket cap", async () => {
  const stack = await startStack({
    env: {
      TRUST_PROXY: "true",
      TRUSTED_PROXIES: "10.0.0.0/8, fd00::/8",
      API_RATE_LIMIT_PER_MINUTE: "3",
      MAX_SOCKETS_PER_IP: "2",
    },
  });
  const sockets = [];
  try {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        await status(`${stack.service.url}/api/health`, {
          headers: { "x-forwarded-for": `198.51.100.${i + 1}` },
        }),
      );
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);

    const url = `${stack.wsUrl}/ws/price/BTC-USDT`;
    for (let i = 0; i < 2; i++) {
      sockets.push(
        await connectClient(url, {
          headers: { "x-forwarded-for": `203.0.113.${i + 1}` },
        }),
      );
    }
    await pollUntil(
      () => stack.service.services.hub.activeSubscribers === 2,
      "two sockets to join",
    );
    const third = await attemptHandshake(url, {
      "x-forwarded-for": "203.0.113.3",
    });
    assert.equal(third.status, 429);
  } finally {
    for (const socket of sockets) await socket.close();
    await stack.stop();
  }
});

Deno.test("proxy trust - a forged X-Forwarded-For from an untrusted peer never reaches the audit trail", async () => {
  const stack = await startStack({
    env: {
      ADMIN_TOKEN: TOKEN,
      TRUST_PROXY: "true",
      TRUSTED_PROXIES: "10.0.0.0/8",
    },
  });
  try {
    assert.equal(await putThreshold(stack, "6.6.6.6"), 200);
    assert.deepEqual(await auditedIps(stack), ["127.0.0.1"]);
  } finally {
    await stack.stop();
  }
});

Deno.test("proxy trust - behind a trusted proxy the right-most untrusted address is the client", async () => {
  const stack = await startStack({
    env: {
      ADMIN_TOKEN: TOKEN,
      TRUST_PROXY: "true",
      TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8",
      API_RATE_LIMIT_PER_MINUTE: "2",
    },
  });
  try {
    const chain = "6.6.6.6, 198.51.100.7, 10.1.2.3";
    assert.equal(await putThreshold(stack, chain), 200);
    assert.deepEqual(await auditedIps(stack), ["198.51.100.7"]);
    // The write took one of 198.51.100.7's two tokens (the audit read came
    // from 127.0.0.1): one more request, then its bucket is empty.
    const health = `${stack.service.url}/api/health`;
    const viaChain = { headers: { "x-forwarded-for": chain } };
    assert.equal(await status(health, viaChain), 200);
    assert.equal(await status(health, viaChain), 429);
    assert.equal(
      await status(health, { headers: { "x-forwarded-for": "198.51.100.8" } }),
      200,
    );
  } finally {
    await stack.stop();
  }
});

Deno.test("proxy trust - Strict-Transport-Security is sent when a trusted proxy says the request was HTTPS", async () => {
  const hsts = async (stackEnv: Record<string, string>, proto?: string) => {
    const stack = await startStack({ env: stackEnv });
    try {
      const response = await fetch(`${stack.service.url}/api/health`, {
        headers: proto ? { "x-forwarded-proto": proto } : {},
      });
      await response.body?.cancel();
      return response.headers.get("strict-transport-security");
    } finally {
      await stack.stop();
    }
  };
  const trusted = { TRUST_PROXY: "true", TRUSTED_PROXIES: "127.0.0.1" };
  assert.equal(await hsts(trusted, "https"), "max-age=31536000");
  assert.equal(await hsts(trusted, "http"), null);
  assert.equal(await hsts(trusted), null);
  const elsewhere = { TRUST_PROXY: "true", TRUSTED_PROXIES: "10.0.0.0/8" };
  assert.equal(await hsts(elsewhere, "https"), null);
});
