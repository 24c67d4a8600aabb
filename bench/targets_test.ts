import assert from "node:assert/strict";
import { serviceRunArgs } from "../scripts/service_args.ts";
import {
  freePort,
  SENTINEL_MAX_SOCKETS_PER_IP,
  targetLaunch,
} from "./targets.ts";

const CONTEXT = {
  rate: 20,
  port: 8100,
  simulatorPort: 8200,
  deno: "/usr/bin/deno",
  node: "node",
};

Deno.test("targetLaunch - the service runs behind the simulator, production mode", () => {
  const launch = targetLaunch("sentinel", CONTEXT);
  assert.equal(launch.url, "http://127.0.0.1:8100");
  const [sim, service] = launch.processes;
  assert.equal(sim.role, "simulator");
  assert.deepEqual(sim.args.slice(-3), [
    "--allow-net",
    "--allow-env",
    "lib/simulator/main.ts",
  ]);
  assert.equal(sim.env.SIM_PORT, "8200");
  assert.deepEqual(service.args, serviceRunArgs());
  assert.equal(service.role, "server");
  assert.equal(
    service.env.BYBIT_API_URL,
    "http://127.0.0.1:8200/v5/market/tickers",
  );
  assert.equal(service.env.STREAM_HEARTBEAT_DELAY, "0.05");
  assert.equal(service.env.KV_PATH, ":memory:");
  assert.equal(
    service.env.MAX_SOCKETS_PER_IP,
    String(SENTINEL_MAX_SOCKETS_PER_IP),
  );
  assert.equal(service.readyUrl, "http://127.0.0.1:8100/api/health");
  assert.equal(service.env.SOCKET_LAYER, "ws");
});

Deno.test("targetLaunch - sentinel-deno is the service on the runtime's socket layer", () => {
  const [, service] = targetLaunch("sentinel-deno", CONTEXT).processes;
  assert.equal(service.env.SOCKET_LAYER, "deno");
  assert.deepEqual(service.args, serviceRunArgs());
});

Deno.test("targetLaunch - peers get the same port, host and rate flags", () => {
  for (const kind of ["bare", "ws", "ws-deno", "socketio"] as const) {
    const [server] = targetLaunch(kind, { ...CONTEXT, rate: 10 }).processes;
    assert.equal(server.role, "server");
    assert.deepEqual(server.args.slice(-3), [
      "--port=8100",
      "--hostname=127.0.0.1",
      "--rate=10",
    ]);
  }
  assert.equal(targetLaunch("ws", CONTEXT).processes[0].command, "node");
  const wsDeno = targetLaunch("ws-deno", CONTEXT).processes[0];
  assert.equal(wsDeno.command, "/usr/bin/deno");
  assert.equal(wsDeno.args[2], "bench/peers/node_ws.mjs");
  assert.equal(
    targetLaunch("bare", CONTEXT).processes[0].command,
    "/usr/bin/deno",
  );
});

Deno.test("freePort - returns a port that can be bound", () => {
  const port = freePort();
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  listener.close();
  assert.ok(port > 0);
});

Deno.test("targetLaunch - service V8 flags go to the service alone", () => {
  const flags = "--max-semi-space-size=8";
  const [, service] = targetLaunch("sentinel", {
    ...CONTEXT,
    serviceV8Flags: flags,
  }).processes;
  assert.deepEqual(service.args, serviceRunArgs({ extraV8Flags: flags }));
  for (const kind of ["bare", "ws-deno"] as const) {
    const [peer] = targetLaunch(kind, { ...CONTEXT, serviceV8Flags: flags })
      .processes;
    assert.ok(!peer.args.some((arg) => arg.startsWith("--v8-flags")), kind);
  }
});
