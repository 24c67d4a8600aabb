/**
 * Which topics one WebSocket connection follows, and what the exchange said
 * about each: the bookkeeping behind subscribe requests and their acks, kept
 * pure so every rule has a direct test.
 *
 * - Requests carry at most 10 args (Bybit spot refuses more) and a `req_id`
 *   that ties the ack to them.
 * - Data proves a subscription as well as an ack does, and can arrive first.
 * - A failure ack names the bad topics when it can (`Invalid symbol :[a,b]`,
 *   `error:handler not found,topic:x`): only those are refused, the rest of
 *   the request stays pending until data or a retry settles it. A failure
 *   that names none refuses the whole request. "already subscribed" is not a
 *   refusal: the topic is followed.
 */

/** What is known about one topic on the current connection. */
export type TopicStatus = "pending" | "active" | "refused";

/** One subscribe request to send. */
export interface SubscribeRequest {
  readonly reqId: string;
  readonly args: readonly string[];
}

/** What an ack changed. */
export interface AckOutcome {
  /** The ack matched a request we sent. */
  readonly matched: boolean;
  /** Topics refused by this ack. */
  readonly refused: readonly string[];
}

/** Bybit spot: most args per subscribe request. */
export const MAX_SUBSCRIBE_ARGS = 10;

const BRACKETED = /\[([^\]]*)\]/;
const NAMED_TOPIC = /topic:([^\s,]+)/;

/** The topics of one connection and their status. */
export class SubscriptionBook {
  #status = new Map<string, TopicStatus>();
  #requests = new Map<string, readonly string[]>();
  #maxArgs: number;
  #nextId = 1;

  /** `topics`: what to follow first. Throws a `RangeError` for a bad `maxArgs`. */
  constructor(topics: readonly string[], maxArgs = MAX_SUBSCRIBE_ARGS) {
    if (!Number.isInteger(maxArgs) || maxArgs < 1) {
      throw new RangeError(
        `maxArgs must be a positive integer, got ${maxArgs}`,
      );
    }
    this.#maxArgs = maxArgs;
    for (const topic of topics) this.#status.set(topic, "pending");
  }

  /** A new connection: every topic is pending again, no request outstanding. */
  reset(): void {
    for (const topic of this.#status.keys()) this.#status.set(topic, "pending");
    this.#requests.clear();
  }

  /** Subscribe requests for `topics`, at most `maxArgs` each, registered by id. */
  requests(topics: readonly string[]): SubscribeRequest[] {
    const out: SubscribeRequest[] = [];
    for (let i = 0; i < topics.length; i += this.#maxArgs) {
      const args = topics.slice(i, i + this.#maxArgs);
      const reqId = `sub-${this.#nextId++}`;
      this.#requests.set(reqId, args);
      out.push({ reqId, args });
    }
    return out;
  }

  /**
   * Unsubscribe requests for `topics`, at most `maxArgs` each. Their acks
   * change nothing here, so they are not registered.
   */
  unsubscribeRequests(topics: readonly string[]): SubscribeRequest[] {
    const out: SubscribeRequest[] = [];
    for (let i = 0; i < topics.length; i += this.#maxArgs) {
      out.push({
        reqId: `unsub-${this.#nextId++}`,
        args: topics.slice(i, i + this.#maxArgs),
      });
    }
    return out;
  }

  /** Follows `topics` too (pending); returns those that were new. */
  add(topics: readonly string[]): string[] {
    const added = topics.filter((t) => !this.#status.has(t));
    for (const topic of added) this.#status.set(topic, "pending");
    return added;
  }

  /** Stops following `topics`; returns those that were followed. */
  remove(topics: readonly string[]): string[] {
    return topics.filter((t) => this.#status.delete(t));
  }

  /** Marks `topics` pending again (they are being resubscribed). */
  renew(topics: readonly string[]): void {
    for (const topic of topics) {
      if (this.#status.has(topic)) this.#status.set(topic, "pending");
    }
  }

  /** Topics followed. */
  get size(): number {
    return this.#status.size;
  }

  /** Every topic, in the order given at construction. */
  all(): string[] {
    return [...this.#status.keys()];
  }

  /** Topics not (yet) followed: pending or refused. */
  inactive(): string[] {
    return this.all().filter((t) => this.#status.get(t) !== "active");
  }

  /** Refused topics, in construction order. */
  refused(): string[] {
    return this.all().filter((t) => this.#status.get(t) === "refused");
  }

  /** Status of `topic`, or `undefined` if it is not ours. */
  status(topic: string): TopicStatus | undefined {
    return this.#status.get(topic);
  }

  /** Topics per status. */
  counts(): Record<TopicStatus, number> {
    const counts = { pending: 0, active: 0, refused: 0 };
    for (const status of this.#status.values()) counts[status]++;
    return counts;
  }

  /** Data arrived on `topic`; returns true when that made it active. */
  sawData(topic: string): boolean {
    const status = this.#status.get(topic);
    if (status === undefined || status === "active") return false;
    this.#status.set(topic, "active");
    return true;
  }

  /** Applies a subscribe ack. */
  acked(
    reqId: string | undefined,
    success: boolean,
    retMsg: string,
  ): AckOutcome {
    const args = reqId === undefined ? undefined : this.#requests.get(reqId);
    if (args === undefined) return { matched: false, refused: [] };
    this.#requests.delete(reqId!);
    if (success) {
      for (const topic of args) {
        if (this.#status.has(topic)) this.#status.set(topic, "active");
      }
      return { matched: true, refused: [] };
    }
    const named = namedTopics(retMsg).filter((t) =>
      args.includes(t) && this.#status.has(t)
    );
    if (/already subscribed/i.test(retMsg) && named.length > 0) {
      for (const topic of named) this.#status.set(topic, "active");
      return { matched: true, refused: [] };
    }
    const refused = (named.length > 0 ? named : args).filter((t) => {
      const status = this.#status.get(t);
      return status !== undefined && status !== "active";
    });
    for (const topic of refused) this.#status.set(topic, "refused");
    return { matched: true, refused };
  }
}

/** Topics a failure message names, as Bybit words them. */
export function namedTopics(retMsg: string): string[] {
  const bracketed = BRACKETED.exec(retMsg);
  if (bracketed) {
    return bracketed[1].split(",").map((t) => t.trim()).filter(Boolean);
  }
  const named = NAMED_TOPIC.exec(retMsg);
  return named ? [named[1]] : [];
}
