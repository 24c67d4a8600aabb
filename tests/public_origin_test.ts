/**
 * PUBLIC_ORIGIN pins the service's own origin: a request for another host
 * (DNS rebinding: an attacker's name resolving to this service) is refused
 * with 421, and socket origins are compared with PUBLIC_ORIGIN rather than
 * with whatever the Host header claims.
 */
import assert from "node:assert/strict";
import { rawGet } from "./support/raw_connection.ts";
import { startStack } from "./support/start_stack.ts";
import { layerTest } from "./support/layer_test.ts";
import type { SocketLayerKind } from "../lib/config/config_schema.ts";

const PUBLIC = "https://sentinel.example.com";

/** A stack with `PUBLIC_ORIGIN` set, on `layer`. */
const startPublic = (layer: SocketLayerKind) =>
  startStack({ socketLayer: layer, env: { PUBLIC_ORIGIN: PUBLIC } });

const UPGRADE = {
  connection: "Upgrade",
  upgrade: "websocket",
  "sec-websocket-version": "13",
  "sec-websocket-key": btoa("0123456789abcdef"),
};

layerTest(
  "public origin - a request for another host is refused with 421",
  async (layer) => {
    const stack = await startPublic(layer);
    try {
      const { port } = new URL(stack.service.url);
      const rebound = await rawGet(stack.service.url, "/api/symbols", {
        host: `rebind.attacker.test:${port}`,
      });
      assert.equal(rebound.status, 421);
      assert.equal(JSON.parse(rebound.body).error, "misdirected_request");
      for (const host of ["sentinel.example.com", "SENTINEL.example.com:443"]) {
        const ours = await rawGet(stack.service.url, "/api/symbols", { host });
        assert.equal(ours.status, 200, host);
      }
      const health = await rawGet(stack.service.url, "/api/health", {
        host: `10.0.0.5:${port}`,
      });
      assert.equal(
        health.status,
        200,
        "load balancer health checks still pass",
      );
    } finally {
      await stack.stop();
    }
  },
);

layerTest(
  "public origin - a rebound page cannot open a socket; the public origin can",
  async (layer) => {
    const stack = await startPublic(layer);
    try {
      const { port } = new URL(stack.service.url);
      const attacker = `rebind.attacker.test:${port}`;
      const rebound = await rawGet(stack.service.url, "/ws/price/BTC-USDT", {
        ...UPGRADE,
        host: attacker,
        origin: `http://${attacker}`,
      });
      assert.equal(rebound.status, 421);
      const accepted = await rawGet(stack.service.url, "/ws/price/BTC-USDT", {
        ...UPGRADE,
        host: "sentinel.example.com",
        origin: PUBLIC,
      });
      assert.equal(accepted.status, 101);
      const plainHttp = await rawGet(stack.service.url, "/ws/price/BTC-USDT", {
        ...UPGRADE,
        host: "sentinel.example.com",
        origin: "http://sentinel.example.com",
      });
      assert.equal(
        plainHttp.status,
        403,
        "own origin is PUBLIC_ORIGIN exactly",
      );
    } finally {
      await stack.stop();
    }
  },
);
