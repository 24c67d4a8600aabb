/**
 * The browser's facilities as the dashboard uses them — location, fetch,
 * sockets, the clock, window and document events, storage — in one place,
 * so the dashboard itself runs in unit tests with fakes.
 */
import { systemClock } from "../clock/clock.ts";
import type { DashboardEnvironment } from "./dashboard_inputs.ts";

/** The browser's facilities. */
export function browserEnvironment(): DashboardEnvironment {
  return {
    pageUrl: () => location.href,
    fetch: (input, init) => fetch(input, init),
    createSocket: (url) => new WebSocket(url),
    clock: systemClock,
    events: {
      addEventListener: (type, listener) =>
        (type === "visibilitychange" ? document : window).addEventListener(
          type,
          listener,
        ),
      removeEventListener: (type, listener) =>
        (type === "visibilitychange" ? document : window).removeEventListener(
          type,
          listener,
        ),
      isOnline: () => navigator.onLine,
      isVisible: () => document.visibilityState === "visible",
    },
    localStorage: safeStorage(() => localStorage),
    sessionStorage: safeStorage(() => sessionStorage),
    // Only some browsers tell (navigator.getAutoplayPolicy); the rest say
    // nothing, and the chime waits for a gesture.
    audioAllowed: () =>
      (navigator as { getAutoplayPolicy?: (type: string) => string })
        .getAutoplayPolicy?.("audiocontext") === "allowed",
    setTitle: (title) => (document.title = title),
  };
}

/** Storage access throws in some privacy modes: treat that as no storage. */
export function safeStorage(get: () => Storage): Storage | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
