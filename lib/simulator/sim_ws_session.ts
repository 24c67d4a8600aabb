/**
 * One client connection to the simulator's public WebSocket: its topics and
 * its answers to `subscribe`, `unsubscribe` and `ping`, the way Bybit answers
 * them — including the refusals (more than 10 args, more than 21,000 args
 * characters on one connection, unknown topics, unlisted symbols, a topic
 * subscribed twice, liquidations on spot) and the faults that act on
 * requests (`refuse`, `ack-delay`).
 *
 * Pushes are not made here: the feed encodes each push once and hands the
 * same string to every session that subscribes the topic.
 */
import type { Clock, TimerId } from "../clock/clock.ts";
import type { WsFaultControl } from "./ws_fault_control.ts";
import {
  type ClientRequest,
  MAX_ARGS_CHARS_PER_CONNECTION,
  MAX_ARGS_PER_REQUEST,
  opResponse,
  parseClientRequest,
  parseTopic,
} from "./ws_messages.ts";

/** The part of a server-side WebSocket a session uses (real or fake). */
export interface SimSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
}

/** What a session needs from the feed that owns it. */
export interface SessionHost {
  readonly clock: Clock;
  /** Which stream: `allLiquidation.*` exists on linear only. */
  readonly category: "spot" | "linear";
  readonly faults: WsFaultControl;
  /** Whether the market lists `symbol`. */
  lists(symbol: string): boolean;
  /** A topic gained a subscriber. */
  subscribed(topic: string): void;
  /** A topic lost a subscriber. */
  unsubscribed(topic: string): void;
  /** The session has ended and must be forgotten. */
  ended(session: SimWsSession): void;
}

const OPEN = 1;

/** One connection: subscriptions, request handling, silence and close. */
export class SimWsSession {
  /** Bybit's `conn_id`, echoed in every op response. */
  readonly connId: string;
  /** Subscribe requests received. */
  subscribeRequests = 0;
  #socket: SimSocket;
  #host: SessionHost;
  #topics = new Set<string>();
  /** Topics whose snapshot was sent (linear tickers push deltas after it). */
  readonly snapshotted = new Set<string>();
  #argsChars = 2;
  #timers = new Set<TimerId>();
  #silenced = false;
  #muted = false;
  #ended = false;

  /** `socket` must be open. */
  constructor(socket: SimSocket, connId: string, host: SessionHost) {
    this.#socket = socket;
    this.connId = connId;
    this.#host = host;
  }

  /** Subscribed topics, in subscription order. */
  get topics(): ReadonlySet<string> {
    return this.#topics;
  }

  /** Whether the session sends nothing any more (`silence`). */
  get silenced(): boolean {
    return this.#silenced;
  }

  /** Bytes queued on the socket, for the feed's slow-client check. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  /** From now on nothing is sent; the connection stays open. */
  silence(): void {
    this.#silenced = true;
  }

  /** From now on no data is sent; pings and requests are still answered. */
  mute(): void {
    this.#muted = true;
  }

  /** Whether the session sends no data any more (`mute`). */
  get muted(): boolean {
    return this.#muted;
  }

  /** Sends `data` unless silenced or closed; returns whether it went out. */
  send(data: string | Uint8Array<ArrayBuffer>): boolean {
    if (this.#silenced || this.#ended || this.#socket.readyState !== OPEN) {
      return false;
    }
    this.#socket.send(data);
    return true;
  }

  /** Sends a data push, unless muted (or silenced, or closed). */
  sendData(data: string | Uint8Array<ArrayBuffer>): boolean {
    return !this.#muted && this.send(data);
  }

  /** Handles one client frame. */
  receive(data: unknown): void {
    if (this.#ended) return;
    const request = typeof data === "string" ? parseClientRequest(data) : null;
    if (request === null) {
      this.send(opResponse("", false, "error:invalid request", this.connId));
      return;
    }
    switch (request.op) {
      case "ping":
        this.send(
          opResponse("ping", true, "pong", this.connId, request.req_id),
        );
        return;
      case "subscribe":
        this.subscribeRequests++;
        this.#subscribe(request);
        return;
      case "unsubscribe":
        this.#unsubscribe(request);
        return;
      default:
        this.send(
          opResponse(
            request.op,
            false,
            `error:unsupported op ${request.op}`,
            this.connId,
            request.req_id,
          ),
        );
    }
  }

  /** Drops the connection without warning (the `close` fault). */
  close(): void {
    if (this.#ended) return;
    this.#end();
    try {
      this.#socket.close();
    } catch {
      // Already closing: the client sees the close either way.
    }
  }

  /** The socket closed (either side): releases topics and timers. */
  dispose(): void {
    if (!this.#ended) this.#end();
  }

  #end(): void {
    this.#ended = true;
    for (const timer of this.#timers) this.#host.clock.clearTimer(timer);
    this.#timers.clear();
    for (const topic of this.#topics) this.#host.unsubscribed(topic);
    this.#topics.clear();
    this.snapshotted.clear();
    this.#host.ended(this);
  }

  #subscribe(request: ClientRequest): void {
    const args = request.args ?? [];
    const reply = (success: boolean, message: string) =>
      this.#ack("subscribe", success, message, request.req_id);
    if (args.length === 0) return reply(false, "error:args is empty");
    if (args.length > MAX_ARGS_PER_REQUEST) {
      return reply(false, `args size >${MAX_ARGS_PER_REQUEST}`);
    }
    if (this.#host.faults.take("refuse")) {
      return reply(false, "error:subscription refused (simulated fault)");
    }
    const noHandler: string[] = [];
    const invalid: string[] = [];
    const already: string[] = [];
    const overLimit: string[] = [];
    for (const topic of args) {
      const parsed = parseTopic(topic);
      if (
        parsed === null ||
        (parsed.kind === "allLiquidation" && this.#host.category !== "linear")
      ) noHandler.push(topic);
      else if (!this.#host.lists(parsed.symbol)) invalid.push(topic);
      else if (this.#topics.has(topic)) already.push(topic);
      else if (
        this.#argsChars + topic.length + 3 > MAX_ARGS_CHARS_PER_CONNECTION
      ) overLimit.push(topic);
      else {
        this.#topics.add(topic);
        this.#argsChars += topic.length + 3;
        this.#host.subscribed(topic);
      }
    }
    // Valid topics of a partly bad request stay subscribed; the failure
    // names the bad ones, as Bybit's messages do.
    if (overLimit.length > 0) {
      reply(
        false,
        `args length exceeds ${MAX_ARGS_CHARS_PER_CONNECTION} on this connection: [${
          overLimit.join(",")
        }]`,
      );
    } else if (noHandler.length > 0) {
      reply(false, `error:handler not found,topic:${noHandler[0]}`);
    } else if (invalid.length > 0) {
      reply(false, `Invalid symbol :[${invalid.join(",")}]`);
    } else if (already.length > 0) {
      reply(false, `error:already subscribed,topic:${already[0]}`);
    } else {
      reply(true, "subscribe");
    }
  }

  #unsubscribe(request: ClientRequest): void {
    for (const topic of request.args ?? []) {
      if (!this.#topics.delete(topic)) continue;
      this.#argsChars -= topic.length + 3;
      this.snapshotted.delete(topic);
      this.#host.unsubscribed(topic);
    }
    this.#ack("unsubscribe", true, "unsubscribe", request.req_id);
  }

  /** Sends an ack now, or later under `ack-delay` (data flows meanwhile). */
  #ack(op: string, success: boolean, message: string, reqId?: string): void {
    const text = opResponse(op, success, message, this.connId, reqId);
    const delay = op === "subscribe"
      ? this.#host.faults.take("ack-delay")
      : null;
    if (delay === null) {
      this.send(text);
      return;
    }
    const timer = this.#host.clock.setTimer(() => {
      this.#timers.delete(timer);
      this.send(text);
    }, delay.ms);
    this.#timers.add(timer);
  }
}
