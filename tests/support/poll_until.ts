/**
 * Waiting on a condition with a deadline, for state that has no event to
 * await (counters, room sizes). Polls every 25 ms; fails with a description.
 */

/** Resolves with the first truthy value of `condition`, or throws at the deadline. */
export async function pollUntil<T>(
  condition: () => T | Promise<T>,
  description: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${description}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
