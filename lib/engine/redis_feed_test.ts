import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { EngineEvents } from "./engine_events.ts";
import { RedisFeed } from "./redis_feed.ts";
import type { HistoryRead } from "./stream_engine.ts";

/** The part of an ioredis connection the feed uses, scripted. */
class FakeConnection extends EventEmitter {
  status = "ready";
  subscribes = 0;
  /** What the next SUBSCRIBEs do: resolve, or reject as ioredis does. */
  subscribeFails = false;
  /** When set, the next SUBSCRIBEs wait for it. */
  held: PromiseWithResolvers<number> | undefined;

  subscribe(_channel: string): Promise<number> {
    this.subscribes++;
    if (this.held) return this.held.promise;
    return this.subscribeFails
      ? Promise.reject(
        new Error(
          "Stream isn't writeable and enableOfflineQueue options is false",
        ),
      )
      : Promise.resolve(1);
  }

  mget(keys: string[]): Promise<(string | null)[]> {
    return Promise.resolve(keys.map(() => "0"));
  }

  evalsha(): Promise<string> {
    return Promise.resolve("epoch-1");
  }

  disconnect(): void {
    this.status = "end";
  }

  /** The connection drops, then comes back `ready`. */
  bounce(): void {
    this.status = "reconnecting";
    this.emit("close");
    this.status = "ready";
    this.emit("ready");
  }
}

/** An empty history, as a channel that never published has. */
const noHistory = (): Promise<HistoryRead> =>
  Promise.resolve({
    epoch: "epoch-1",
    entries: [],
    oldestSeq: undefined,
    latestSeq: 0,
  });

/** Lets queued promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A started feed on fakes, with its connection states and warnings. */
async function startedFeed() {
  const commands = new FakeConnection();
  const subscriber = new FakeConnection();
  const events = new EngineEvents();
  const states: boolean[] = [];
  events.subscribe((e) => e.type === "connection" && states.push(e.connected));
  const warnings: string[] = [];
  const feed = new RedisFeed({
    commands: commands as unknown as Redis,
    subscriber: subscriber as unknown as Redis,
    prefix: "t:",
    epoch: "epoch-1",
    events,
    history: noHistory,
    onWarning: (message) => warnings.push(message),
  });
  await feed.start(["A"]);
  return { commands, subscriber, events, states, warnings, feed };
}

Deno.test("RedisFeed - a resubscription that fails as the connection drops again is caught, reported and retried on the next ready", async () => {
  const { subscriber, events, states, warnings, feed } = await startedFeed();
  assert.equal(subscriber.subscribes, 1);

  subscriber.subscribeFails = true;
  subscriber.bounce();
  await settle();
  assert.equal(subscriber.subscribes, 2, "the feed subscribes again itself");
  assert.deepEqual(warnings, ["Resubscribing after a Redis reconnect failed"]);
  assert.equal(feed.connected, false, "not connected without a subscription");
  assert.deepEqual(states, [false]);

  subscriber.subscribeFails = false;
  subscriber.bounce();
  await settle();
  assert.equal(subscriber.subscribes, 3);
  assert.equal(feed.connected, true, "connected once subscribed again");
  assert.deepEqual(states, [false, true]);
  assert.equal(events.counts.reconnects, 1);
  feed.close();
});

Deno.test("RedisFeed - the commands connection back while the subscription is still on its way is not connected yet", async () => {
  const { commands, subscriber, feed } = await startedFeed();
  subscriber.held = Promise.withResolvers();
  commands.status = "reconnecting";
  commands.emit("close");
  subscriber.bounce();
  commands.status = "ready";
  commands.emit("ready");
  await settle();
  assert.equal(feed.connected, false, "both ready, the SUBSCRIBE unanswered");
  subscriber.held.resolve(1);
  await settle();
  assert.equal(feed.connected, true);
  feed.close();
});
