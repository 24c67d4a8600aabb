import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as ws from "ws";
import { prepareWsFrame } from "./ws_prepared_frame.ts";

/** `ws`'s own framing of `text`, the reference the prepared frame must equal. */
function wsFrame(text: string): Buffer {
  const sender = (ws as unknown as {
    Sender: {
      frame(data: Buffer, options: Record<string, unknown>): Buffer[];
    };
  }).Sender;
  return Buffer.concat(
    sender.frame(Buffer.from(text), {
      fin: true,
      opcode: 1,
      mask: false,
      readOnly: true,
      rsv1: false,
    }),
  );
}

Deno.test("prepareWsFrame - the same bytes as ws frames, at every length boundary", () => {
  for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
    const text = "x".repeat(length);
    const frame = prepareWsFrame(text);
    assert.equal(frame.byteLength, length);
    assert.equal(frame.text, text);
    assert.ok(frame.wire.equals(wsFrame(text)), `length ${length}`);
  }
});

Deno.test("prepareWsFrame - multi-byte text is framed by its UTF-8 length", () => {
  // 42 characters, 126 UTF-8 bytes: the 16-bit length form, not the short one.
  const text = "€".repeat(42);
  const frame = prepareWsFrame(text);
  assert.equal(frame.byteLength, 126);
  assert.equal(frame.wire[1], 126);
  assert.ok(frame.wire.equals(wsFrame(text)));
  assert.equal(frame.wire.subarray(4).toString("utf8"), text);
});

Deno.test("prepareWsFrame - a frame keeps its bytes when later frames are prepared", () => {
  const first = "ticks ✓ ".repeat(20);
  const frame = prepareWsFrame(first);
  // Longer than the scratch kept between frames, then a short one again.
  const huge = "é".repeat(400_000);
  const hugeFrame = prepareWsFrame(huge);
  prepareWsFrame("something else entirely");
  assert.ok(frame.wire.equals(wsFrame(first)));
  assert.equal(hugeFrame.byteLength, 800_000);
  assert.ok(hugeFrame.wire.equals(wsFrame(huge)));
});
