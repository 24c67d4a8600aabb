/**
 * Cursor paging shared by the ledger's stores: read one item past the page
 * to learn whether another page follows, and hand out the last item's id as
 * the cursor of the next (older) page. Both trails are read newest first and
 * their ids sort by time, so a cursor is simply "continue below this id".
 */

/** One page of items and where the next one starts. */
export interface Page<T> {
  readonly items: T[];
  /** Id of the page's last item when more follow, else null. */
  readonly next_cursor: string | null;
}

/**
 * Takes up to `limit` items from `items` (reading at most one more, and
 * stopping the iteration there); `next_cursor` is the last taken item's id
 * when another item followed.
 */
export async function takePage<T extends { readonly id: string }>(
  items: AsyncIterable<T>,
  limit: number,
): Promise<Page<T>> {
  const taken: T[] = [];
  let more = false;
  for await (const item of items) {
    if (taken.length === limit) {
      more = true;
      break;
    }
    taken.push(item);
  }
  return {
    items: taken,
    next_cursor: more ? taken[taken.length - 1].id : null,
  };
}
