import assert from "node:assert/strict";
import { readCappedText } from "./capped_body.ts";

/** A body of `chunks`; counts how many were pulled and whether it was cancelled. */
function body(chunks: Uint8Array[]) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled === chunks.length) return controller.close();
      controller.enqueue(chunks[seen.pulled++]);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

const encode = (text: string) => new TextEncoder().encode(text);

Deno.test("readCappedText - a body within the cap is read whole, UTF-8 split across chunks", async () => {
  const euro = encode("€");
  const { stream } = body([
    encode('{"a":"'),
    euro.slice(0, 1),
    euro.slice(1),
    encode('"}'),
  ]);
  assert.deepEqual(await readCappedText(stream, 64), {
    ok: true,
    text: '{"a":"€"}',
  });
  assert.deepEqual(await readCappedText(null, 1), { ok: true, text: "" });
});

Deno.test("readCappedText - the read stops at the first chunk past the cap and cancels the body", async () => {
  const chunk = new Uint8Array(1024);
  const { stream, seen } = body(Array.from({ length: 100 }, () => chunk));
  assert.deepEqual(await readCappedText(stream, 4096), {
    ok: false,
    bytesRead: 5120,
  });
  assert.equal(seen.cancelled, true);
  assert.ok(seen.pulled <= 6, `pulled ${seen.pulled} chunks`);
});

Deno.test("readCappedText - exactly the cap is accepted", async () => {
  const { stream } = body([encode("12"), encode("34")]);
  assert.deepEqual(await readCappedText(stream, 4), { ok: true, text: "1234" });
});
