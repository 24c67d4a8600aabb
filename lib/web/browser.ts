/**
 * The web runtime's browser entry: what islands and `lib/client` may use,
 * re-exported by name. Dependency-free and browser-safe; server code imports
 * `mod.ts` instead.
 */
export {
  afterHydration,
  HYDRATED_ATTRIBUTE,
  HYDRATED_EVENT,
} from "./island_protocol.ts";
