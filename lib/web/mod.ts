/**
 * The web runtime's public surface for server code (`main.ts`, routes).
 * Browser code (islands) imports `island_protocol.ts` instead, so nothing
 * server-only can land in a bundle.
 */
export {
  type App,
  type AppOptions,
  BUILD_PREFIX,
  createApp,
  type WebLogger,
} from "./app.ts";
export { buildBundles, type BuildOptions } from "./bundler.ts";
export { ensureBundles } from "./build_freshness.ts";
export { type BuildManifest, pageWeight } from "./build_manifest.ts";
export { defineConfig, type WebConfig } from "./config.ts";
export { Head } from "./head.tsx";
export type {
  AppProps,
  Handler,
  Handlers,
  PageProps,
  RouteContext,
  RouteModule,
  UnknownPageProps,
} from "./types.ts";
