import { Head, type UnknownPageProps } from "../lib/web/mod.ts";

/** Not found: unknown paths and unknown symbols under `/s/`. */
export default function NotFound({ url }: UnknownPageProps) {
  return (
    <main class="not-found">
      <Head>
        <title>Not found · SATS Sentinel</title>
      </Head>
      <p class="not-found-code num">404</p>
      <h1>Nothing is tracked at {url.pathname}</h1>
      <p class="muted">The page or symbol does not exist on this service.</p>
      <a class="primary" href="/">Back to the dashboard</a>
    </main>
  );
}
