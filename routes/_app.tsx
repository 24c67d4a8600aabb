import type { AppProps } from "../lib/web/mod.ts";

/** The document shell of every page: dark theme, one stylesheet, no inline code. */
export default function App({ Component }: AppProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="dark" />
        <meta name="theme-color" content="#0b0e11" />
        <meta
          name="description"
          content="Live market telemetry: prices, volatility, velocity and whale alerts"
        />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/styles.css" />
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
}
