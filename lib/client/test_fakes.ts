/**
 * Fakes of the browser for the client tests: a hand-driven socket and
 * hand-fired window/document events.
 */
import type { ServerFrame } from "../protocol/frames.ts";
import type { BrowserEvents, SocketLike } from "./stream_connection.ts";

/** A socket the test opens, feeds and drops by hand. */
export class FakeSocket implements SocketLike {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closedWith: number | undefined;
  constructor(readonly url: string) {}
  open() {
    this.onopen?.(new Event("open"));
  }
  send(frame: ServerFrame) {
    this.onmessage?.(
      new MessageEvent("message", { data: JSON.stringify(frame) }),
    );
  }
  drop(code = 1006, reason = "") {
    this.onclose?.(new CloseEvent("close", { code, reason }));
  }
  close(code?: number) {
    this.closedWith = code;
  }
}

/** Browser events (online, offline, visibility) the test fires by hand. */
export class FakeEvents implements BrowserEvents {
  online = true;
  visible = true;
  listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void) {
    this.listeners.get(type)?.delete(listener);
  }
  isOnline() {
    return this.online;
  }
  isVisible() {
    return this.visible;
  }
  fire(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
  get count() {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}
