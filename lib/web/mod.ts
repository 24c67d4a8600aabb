/**
 * The web runtime's server entry: everything routes, middleware, `main.ts`,
 * `fresh.config.ts` and the build script use, re-exported by name. Browser
 * code (islands and `lib/client`) imports `browser.ts` instead, so nothing
 * server-only can land in a bundle; an import test keeps both rules.
 */
export {
  type App,
  type AppOptions,
  BUILD_PREFIX,
  createApp,
  type WebLogger,
} from "./app.ts";
export { buildBundles, type BuildOptions } from "./bundler.ts";
export { acceptsGzip, gzip, gzipBody, isCompressible } from "./compression.ts";
export { ensureBundles } from "./build_freshness.ts";
export { type BuildManifest, pageWeight } from "./build_manifest.ts";
export {
  defineConfig,
  folderUrl,
  loadWebConfig,
  type WebConfig,
} from "./config.ts";
export {
  type ErrorHandler,
  errorHandler,
  type ErrorHandlerOptions,
  type ErrorLogger,
  isServerFault,
} from "./error_handler.ts";
export { Head } from "./head.tsx";
export {
  type ErrorBody,
  errorResponse,
  HttpError,
  type HttpErrorOptions,
  jsonResponse,
} from "./http_error.ts";
export type {
  AppProps,
  Handler,
  Handlers,
  PageProps,
  RouteContext,
  RouteModule,
  UnknownPageProps,
} from "./types.ts";
