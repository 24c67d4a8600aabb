/**
 * The browser entry of every page with islands (an external module, so it
 * runs under a CSP without `unsafe-inline`): reads the island JSON script,
 * revives the props, and hydrates each `<sats-island>` marker with its
 * module's default export as soon as that module has loaded, then announces
 * that every island is live (see `afterHydration`).
 */
import { h, hydrate } from "preact";
import { deserializeProps } from "../island_props.ts";
import {
  HYDRATED_ATTRIBUTE,
  HYDRATED_EVENT,
  ISLAND_DATA_ID,
  ISLAND_TAG,
  type IslandPayload,
} from "../island_protocol.ts";

const data = document.getElementById(ISLAND_DATA_ID);
const hydrations: Promise<void>[] = [];
if (data?.textContent) {
  const payload = deserializeProps(data.textContent) as IslandPayload;
  for (const marker of document.querySelectorAll<HTMLElement>(ISLAND_TAG)) {
    const [name, props] = payload.islands[Number(marker.dataset.id)] ?? [];
    const url = name === undefined ? undefined : payload.modules[name];
    if (url === undefined) continue;
    hydrations.push(
      import(url).then(
        (module) => hydrate(h(module.default, props), marker),
        (error) => console.error(`Island ${name} failed to load`, error),
      ),
    );
  }
}
Promise.allSettled(hydrations).then(() => {
  document.documentElement.setAttribute(HYDRATED_ATTRIBUTE, "");
  document.dispatchEvent(new Event(HYDRATED_EVENT));
});
