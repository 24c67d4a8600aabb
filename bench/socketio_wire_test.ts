import assert from "node:assert/strict";
import { socketIoPacket } from "./socketio_wire.ts";

Deno.test("socketIoPacket - classifies the session packets", () => {
  assert.equal(socketIoPacket('0{"sid":"a","pingInterval":25000}'), "open");
  assert.equal(socketIoPacket("2"), "ping");
  assert.equal(socketIoPacket('40{"sid":"b"}'), "connected");
  assert.equal(socketIoPacket('44{"message":"nope"}'), "connect-error");
  assert.equal(socketIoPacket("41"), "disconnect");
  assert.equal(socketIoPacket("1"), "close");
  assert.equal(socketIoPacket("6"), "other");
});

Deno.test("socketIoPacket - tells tick events from other events", () => {
  assert.equal(socketIoPacket('42["tick",{"type":"tick","seq":1}]'), "tick");
  assert.equal(socketIoPacket('42["hello",{}]'), "event");
});
