/**
 * Work over many items where each one mostly waits (store reads, exchange
 * requests): a few lanes, each taking the next item when its last is done,
 * so the waits overlap without starting everything at once.
 */

/**
 * Runs `work` for every item, `lanes` at a time (at least one), until none
 * is left or `stopped()` says so; resolves when every lane is done.
 */
export async function inLanes<T>(
  items: readonly T[],
  lanes: number,
  work: (item: T, index: number) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stopped()) {
      const index = next++;
      await work(items[index], index);
    }
  };
  const count = Math.max(1, Math.floor(lanes));
  await Promise.all(Array.from({ length: count }, lane));
}
