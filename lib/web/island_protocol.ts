/**
 * What the server-rendered page and the browser boot script agree on: the
 * marker element, the id of the props script and its shape. Browser-safe and
 * dependency-free, so the boot bundle stays tiny.
 */

/** Tag of the element wrapping each server-rendered island. */
export const ISLAND_TAG = "sats-island";

/** Element id of the `<script type="application/json">` holding island props. */
export const ISLAND_DATA_ID = "__sats_islands";

/** The (revived) content of the island props script. */
export interface IslandPayload {
  /** Module URL per island name. */
  readonly modules: Readonly<Record<string, string>>;
  /** `[name, props]` per marker, indexed by the marker's `data-id`. */
  readonly islands: readonly (readonly [string, Record<string, unknown>])[];
}

/** Attribute set on `<html>` once every island on the page has hydrated. */
export const HYDRATED_ATTRIBUTE = "data-hydrated";

/** Event dispatched on `document` once every island has hydrated. */
export const HYDRATED_EVENT = "sats:hydrated";

/**
 * Runs `callback` once every island on the page has hydrated (at once if
 * that already happened). State shared between islands must not change
 * before then: Preact does not patch attributes while hydrating, so an
 * island hydrating after such a change would keep stale server attributes.
 * Returns a function that cancels a callback still waiting.
 */
export function afterHydration(callback: () => void): () => void {
  if (document.documentElement.hasAttribute(HYDRATED_ATTRIBUTE)) {
    callback();
    return () => {};
  }
  const listener = () => callback();
  document.addEventListener(HYDRATED_EVENT, listener, { once: true });
  return () => document.removeEventListener(HYDRATED_EVENT, listener);
}
