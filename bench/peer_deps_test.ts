import assert from "node:assert/strict";
import { missingPeerDeps } from "./peer_deps.ts";

Deno.test("missingPeerDeps - missing and mismatched versions need an install", () => {
  assert.deepEqual(
    missingPeerDeps(
      { ws: "8.23.0", "socket.io": "4.8.4", "socket.io-client": "4.8.4" },
      { ws: "8.23.0", "socket.io": "4.8.1", "socket.io-client": null },
    ),
    ["socket.io@4.8.4", "socket.io-client@4.8.4"],
  );
  assert.deepEqual(missingPeerDeps({ ws: "8.23.0" }, { ws: "8.23.0" }), []);
});
