/**
 * Waiting on a condition with a deadline, for state that has no event to
 * await (counters, room sizes). Polls every 25 ms; fails with a description.
 */

/** A value that passed a truthiness test. */
export type Truthy<T> = Exclude<T, undefined | null | false | 0 | "">;

/** Resolves with the first truthy value of `condition`, or throws at the deadline. */
export async function pollUntil<T>(
  condition: () => T | Promise<T>,
  description: string,
  timeoutMs = 10_000,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await condition();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${description}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
