import assert from "node:assert/strict";
import {
  DEFAULT_SYMBOLS,
  loadOptionsToArgs,
  OptionsError,
  parseLoadOptions,
  RAMP_SECONDS_PER_HANDSHAKE,
} from "./load_options.ts";

const BASE = [
  "--target=bare",
  "--url=http://127.0.0.1:9000",
  "--connections=50",
];

function problems(args: string[]): string {
  try {
    parseLoadOptions(args);
  } catch (error) {
    assert.ok(error instanceof OptionsError);
    return error.message;
  }
  assert.fail("expected an OptionsError");
}

Deno.test("parseLoadOptions - defaults fill every optional flag", () => {
  const options = parseLoadOptions(BASE);
  assert.equal(options.target, "bare");
  assert.equal(options.connections, 50);
  assert.deepEqual(options.symbols, [...DEFAULT_SYMBOLS]);
  assert.equal(options.muxRatio, 0);
  assert.equal(options.duration, 10);
  assert.equal(options.drain, 2);
  assert.ok(options.deadline > options.duration + options.readyTimeout);
});

Deno.test("parseLoadOptions - the default deadline grows with the handshakes each concurrency slot must make", () => {
  const deadline = (connections: number, concurrency: number) =>
    parseLoadOptions([
      ...BASE.filter((flag) => !flag.startsWith("--connections")),
      `--connections=${connections}`,
      `--ramp-concurrency=${concurrency}`,
    ]).deadline;
  assert.equal(
    deadline(10_000, 100) - deadline(1_000, 100),
    9_000 / 2_000 + 90 * RAMP_SECONDS_PER_HANDSHAKE,
  );
  assert.ok(deadline(10_000, 1_000) < deadline(10_000, 100));
});

Deno.test("parseLoadOptions - explicit values are coerced", () => {
  const options = parseLoadOptions([
    "--target=sentinel",
    "--url=http://localhost:8000",
    "--connections=300",
    "--symbols=BTC-USDT, ETH-USDT",
    "--mux-ratio=0.25",
    "--ramp-concurrency=20",
    "--ramp-rate=500",
    "--duration=5",
    "--deadline=60",
  ]);
  assert.deepEqual(options.symbols, ["BTC-USDT", "ETH-USDT"]);
  assert.equal(options.muxRatio, 0.25);
  assert.equal(options.rampConcurrency, 20);
  assert.equal(options.rampRate, 500);
  assert.equal(options.deadline, 60);
});

Deno.test("parseLoadOptions - each bad flag is named with its value", () => {
  const message = problems([
    "--target=nginx",
    "--url=http://127.0.0.1:9000",
    "--connections=0",
    "--duration=99999",
  ]);
  assert.match(
    message,
    /Flag --target must be one of sentinel, bare, ws, socketio, got "nginx"/,
  );
  assert.match(message, /Flag --connections must be from 1 to \d+, got "0"/);
  assert.match(message, /Flag --duration must be from 1 to 3600 seconds/);
});

Deno.test("parseLoadOptions - only loopback targets are accepted", () => {
  assert.match(
    problems(["--target=ws", "--url=http://10.0.0.5:80", "--connections=1"]),
    /loopback/,
  );
  assert.match(
    problems(["--target=ws", "--url=not a url", "--connections=1"]),
    /loopback/,
  );
});

Deno.test("parseLoadOptions - the multiplexed route is for the service only", () => {
  assert.match(problems([...BASE, "--mux-ratio=0.5"]), /sentinel only/);
  assert.match(problems([...BASE, "--mux-ratio=2"]), /from 0 to 1/);
});

Deno.test("parseLoadOptions - unknown flags and bad symbol lists are rejected", () => {
  assert.match(problems([...BASE, "--connectoins=5"]), /connectoins/);
  assert.match(problems([...BASE, "--symbols=BTC-USDT,BTC-USDT"]), /duplicate/);
  assert.match(problems([...BASE, "--symbols=BTC/USDT"]), /Flag --symbols/);
  assert.match(
    problems(["--target=ws", "--connections=1"]),
    /Flag --url is required/,
  );
});

Deno.test("loadOptionsToArgs - round-trips through parseLoadOptions", () => {
  const options = parseLoadOptions([
    ...BASE,
    "--symbols=SOL-USDT",
    "--duration=3",
  ]);
  const again = parseLoadOptions(loadOptionsToArgs(options));
  assert.deepEqual(again, options);
});

Deno.test("parseLoadOptions - --client picks the WebSocket client, node:net by default", () => {
  assert.equal(parseLoadOptions(BASE).client, "net");
  assert.equal(
    parseLoadOptions([...BASE, "--client=websocket"]).client,
    "websocket",
  );
  assert.match(
    problems([...BASE, "--client=curl"]),
    /Flag --client must be one of net, websocket/,
  );
});
