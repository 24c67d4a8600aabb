import assert from "node:assert/strict";
import { takePage } from "./paging.ts";

async function* ids(count: number, read: string[] = []) {
  for (let i = count; i > 0; i--) {
    read.push(`id${i}`);
    yield { id: `id${i}` };
  }
}

Deno.test("takePage - a full page with more behind names its last id", async () => {
  const read: string[] = [];
  const page = await takePage(ids(5, read), 2);
  assert.deepEqual(page.items.map((item) => item.id), ["id5", "id4"]);
  assert.equal(page.next_cursor, "id4");
  assert.deepEqual(read, ["id5", "id4", "id3"], "reads one past the page");
});

Deno.test("takePage - the last page has no cursor", async () => {
  assert.deepEqual(await takePage(ids(2), 2), {
    items: [{ id: "id2" }, { id: "id1" }],
    next_cursor: null,
  });
  assert.deepEqual(await takePage(ids(0), 3), { items: [], next_cursor: null });
});
