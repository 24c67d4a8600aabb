/**
 * The silence rules of the upstream streams, as pure functions of times, so
 * each rule has a direct test (`stream_watch.ts` runs them on a clock).
 *
 * - A connection that delivers no data on any of its topics for the data
 *   silence limit is replaced, even while it answers pings: pongs prove the
 *   socket, not the feed. Counted from when the connection opened, or from
 *   its last data.
 * - A single topic silent far longer than its market's pace is resubscribed.
 *   Only ticker topics have a pace (Bybit pushes them every 50 ms on spot,
 *   100 ms on linear); trades and liquidations come when they happen, and an
 *   illiquid market can rightly be quiet for hours, so they are never judged
 *   by silence. Counted from the topic's last data, or from when it was last
 *   (re)subscribed.
 */

/** The limits the rules apply, ms. */
export interface SilenceLimits {
  /** No data on any topic this long: replace the connection. */
  readonly dataSilenceMs: number;
  /** No data on one paced topic this long: resubscribe it. */
  readonly topicSilenceMs: number;
}

/** Default limits: 30 s for a connection, 5 minutes for one topic. */
export const DEFAULT_SILENCE_LIMITS: SilenceLimits = {
  dataSilenceMs: 30_000,
  topicSilenceMs: 300_000,
};

/** Whether a topic has a steady pace the topic rule can judge. */
export function isPacedTopic(topic: string): boolean {
  return topic.startsWith("tickers.");
}

/**
 * How long a connection has gone without data at `now`: since it opened or
 * since its last data, whichever is later.
 */
export function dataSilenceMs(
  now: number,
  openedAt: number,
  lastDataAt: number | null,
): number {
  return Math.max(0, now - Math.max(openedAt, lastDataAt ?? -Infinity));
}

/**
 * Whether an open connection following `topics` topics is silent past the
 * limit at `now`. A connection that follows nothing has nothing to say.
 */
export function isConnectionSilent(
  now: number,
  openedAt: number,
  lastDataAt: number | null,
  topics: number,
  limitMs: number,
): boolean {
  return topics > 0 && dataSilenceMs(now, openedAt, lastDataAt) >= limitMs;
}

/**
 * The paced topics silent past the limit at `now`, given for each topic the
 * time it was last heard from or (re)subscribed, whichever is later.
 */
export function silentTopics(
  since: Iterable<readonly [topic: string, since: number]>,
  now: number,
  limitMs: number,
): string[] {
  const silent: string[] = [];
  for (const [topic, at] of since) {
    if (isPacedTopic(topic) && now - at >= limitMs) silent.push(topic);
  }
  return silent;
}
