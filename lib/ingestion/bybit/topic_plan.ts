/**
 * How the topics of one market are spread over upstream connections within
 * Bybit's limits: the topics one connection follows, written as the `args`
 * of its subscribe requests, may not exceed 21,000 characters in total, and
 * each request carries at most 10 args (the second limit is the subscription
 * book's, `ws_subscriptions.ts`; this file packs connections).
 *
 * Pure, and stable on purpose: when the listing changes, topics that stay
 * stay on their connection (moving one would mean an unsubscribe, a
 * subscribe and a gap); removed topics leave their connection; new topics
 * fill the connections with room, first fit, and open new connections only
 * when none has room. Nothing is rebalanced.
 */

/** Bybit: most characters of the args one connection subscribes. */
export const MAX_ARGS_CHARS_PER_CONNECTION = 21_000;

/**
 * Characters `topics` take as subscribe args: the length of the JSON array
 * of them, so quotes and commas count (an upper bound however Bybit counts).
 */
export function argsChars(topics: Iterable<string>): number {
  let chars = 2;
  let first = true;
  for (const topic of topics) {
    chars += topic.length + 2 + (first ? 0 : 1);
    first = false;
  }
  return chars;
}

/** The new topics of each connection after a listing change. */
export interface TopicPlan {
  /**
   * Topics per connection, index for index with the current ones, then one
   * list per connection to open. A list may be empty: that connection has
   * nothing left and can close.
   */
  readonly connections: string[][];
  /** Per connection (same indices): topics to subscribe. */
  readonly added: string[][];
  /** Per existing connection: topics to unsubscribe. */
  readonly removed: string[][];
}

/**
 * Plans the connections for `wanted` topics, given what each connection
 * follows now and at most `maxChars` args characters per connection.
 * Throws a `RangeError` for a topic that alone exceeds the limit.
 */
export function planTopics(
  current: readonly (readonly string[])[],
  wanted: Iterable<string>,
  maxChars: number = MAX_ARGS_CHARS_PER_CONNECTION,
): TopicPlan {
  if (!(Number.isInteger(maxChars) && maxChars > 2)) {
    throw new RangeError(
      `maxChars must be an integer above 2, got ${maxChars}`,
    );
  }
  const want = new Set(wanted);
  const placed = new Set<string>();
  const connections: string[][] = [];
  const chars: number[] = [];
  const removed: string[][] = [];
  for (const topics of current) {
    const keep: string[] = [];
    const gone: string[] = [];
    for (const topic of topics) {
      if (want.has(topic) && !placed.has(topic)) {
        keep.push(topic);
        placed.add(topic);
      } else gone.push(topic);
    }
    connections.push(keep);
    chars.push(argsChars(keep));
    removed.push(gone);
  }
  const added: string[][] = connections.map(() => []);
  for (const topic of want) {
    if (placed.has(topic)) continue;
    const cost = topic.length + 3;
    if (argsChars([topic]) > maxChars) {
      throw new RangeError(
        `topic ${topic} alone exceeds ${maxChars} args characters`,
      );
    }
    let at = -1;
    for (let i = 0; i < connections.length; i++) {
      if (chars[i] + cost <= maxChars) {
        at = i;
        break;
      }
    }
    if (at === -1) {
      connections.push([]);
      added.push([]);
      chars.push(2);
      at = connections.length - 1;
    }
    connections[at].push(topic);
    added[at].push(topic);
    chars[at] += connections[at].length === 1 ? cost - 1 : cost;
    placed.add(topic);
  }
  return { connections, added, removed };
}
