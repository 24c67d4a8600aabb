import assert from "node:assert/strict";
import { longFrame } from "./screener_page.ts";

Deno.test("longFrame - splits a long frame into script, style and layout, and the rest", () => {
  assert.deepEqual(
    longFrame({
      startTime: 1_000,
      duration: 80.4,
      blockingDuration: 30.4,
      styleAndLayoutStart: 1_060,
      scripts: [
        {
          duration: 12.2,
          invoker: "FrameRequestCallback",
          sourceFunctionName: "fill",
        },
        {
          duration: 30.1,
          invoker: "WebSocket.onmessage",
          sourceFunctionName: "",
        },
      ],
    }),
    {
      duration_ms: 80,
      blocking_ms: 30,
      script_ms: 42,
      top_script: "WebSocket.onmessage (anonymous) 30 ms",
      style_layout_ms: 20,
      other_ms: 18,
    },
  );
});

Deno.test("longFrame - a frame without scripts or rendering", () => {
  assert.deepEqual(
    longFrame({
      startTime: 0,
      duration: 55,
      blockingDuration: 5,
      styleAndLayoutStart: 0,
      scripts: [],
    }),
    {
      duration_ms: 55,
      blocking_ms: 5,
      script_ms: 0,
      top_script: null,
      style_layout_ms: 0,
      other_ms: 55,
    },
  );
});
