import assert from "node:assert/strict";
import { loadConfig } from "./load_config.ts";

function problems(env: Record<string, string>): string[] {
  const result = loadConfig(env);
  return result.ok ? [] : result.problems;
}

Deno.test("loadConfig - the stream engine is memory by default and kv on Deno Deploy", () => {
  const local = loadConfig({});
  assert.ok(local.ok);
  assert.equal(local.config.engine.kind, "memory");
  assert.equal(local.config.engine.leaseMs, 5_000);
  assert.equal(local.config.reusePort, false);
  const deploy = loadConfig({ DENO_DEPLOYMENT_ID: "abc123" });
  assert.ok(deploy.ok);
  assert.equal(deploy.config.engine.kind, "kv");
  const chosen = loadConfig({
    DENO_DEPLOYMENT_ID: "abc",
    STREAM_ENGINE: "memory",
  });
  assert.ok(chosen.ok);
  assert.equal(chosen.config.engine.kind, "memory");
});

Deno.test("loadConfig - redis needs REDIS_URL and takes user and password", () => {
  assert.match(
    problems({ STREAM_ENGINE: "redis" })[0],
    /^REDIS_URL: required when STREAM_ENGINE=redis/,
  );
  const result = loadConfig({
    STREAM_ENGINE: "Redis",
    REDIS_URL: "rediss://app:pw@cache.internal:6380/2",
    LEADER_LEASE_SECONDS: "2.5",
    REUSE_PORT: "true",
    INSTANCE_PORT: "8101",
    INSTANCE_ID: "host-a.1",
  });
  assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
  assert.deepEqual(result.config.engine, {
    kind: "redis",
    redisUrl: "rediss://app:pw@cache.internal:6380/2",
    leaseMs: 2_500,
    instanceId: "host-a.1",
  });
  assert.equal(result.config.reusePort, true);
  assert.equal(result.config.instancePort, 8101);
});

Deno.test("loadConfig - bad engine variables are named, credentials never printed", () => {
  const cases: [string, string][] = [
    ["STREAM_ENGINE", "etcd"],
    ["REDIS_URL", "http://user:hunter2@cache:6379"],
    ["REDIS_URL", "redis://user:hunter2@cache:6379/x"],
    ["LEADER_LEASE_SECONDS", "0"],
    ["LEADER_LEASE_SECONDS", "0.5"],
    ["REUSE_PORT", "maybe"],
    ["INSTANCE_PORT", "70000"],
    ["INSTANCE_ID", "has space"],
  ];
  for (const [name, value] of cases) {
    const found = problems({ [name]: value });
    assert.equal(found.length, 1, `${name}=${value}: ${found.join("\n")}`);
    assert.ok(found[0].startsWith(`${name}: `), found[0]);
    assert.ok(!found[0].includes("hunter2"), found[0]);
  }
});
