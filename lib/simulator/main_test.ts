import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const MAIN = new URL("./main.ts", import.meta.url).pathname;

function spawn(env: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", MAIN],
    cwd: ROOT,
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("main - a bad variable prints one line naming it and exits 1", async () => {
  const { code, stdout, stderr } = await spawn({ SIM_PORT: "abc" }).output();
  assert.equal(code, 1);
  assert.equal(new TextDecoder().decode(stdout), "");
  assert.equal(
    new TextDecoder().decode(stderr),
    'Invalid configuration: SIM_PORT: expected an integer from 0 to 65535 (got "abc")\n',
  );
});

Deno.test("main - logs its URL as JSON, serves, and stops cleanly on SIGTERM", async () => {
  const child = spawn({ SIM_PORT: "0", SIM_SEED: "5", SIM_FAULT: "http503" });
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (!buffered.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) break;
    buffered += value;
  }
  const started = JSON.parse(buffered.split("\n")[0]);
  assert.equal(started.level, "info");
  assert.equal(started.msg, "Exchange simulator listening");
  assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(started.tickersUrl, `${started.url}/v5/market/tickers`);
  assert.equal(started.seed, 5);
  assert.equal(started.fault, "http503");

  const response = await fetch(`${started.tickersUrl}?category=spot`);
  await response.body?.cancel();
  assert.equal(response.status, 503);
  assert.equal(response.headers.get("x-sentinel-simulator"), "1");

  child.kill("SIGTERM");
  for (;;) {
    const { value, done } = await lines.read();
    if (done) break;
    buffered += value;
  }
  const status = await child.status;
  await child.stderr.cancel();
  assert.equal(status.code, 0);
  const messages = buffered.trim().split("\n").map((l) => JSON.parse(l).msg);
  assert.deepEqual(messages, [
    "Exchange simulator listening",
    "Exchange simulator stopping",
    "Exchange simulator stopped",
  ]);
});
