/**
 * The foot of every page: where the data comes from (Bybit or the local
 * simulator, said plainly), that times are UTC, and the operator links.
 * Static markup, shared by the dashboard and the screener.
 */

/** Props of {@linkcode PageFoot}. */
export interface PageFootProps {
  /** What the data is, before "from …": "Tickers", "1,006 markets". */
  readonly what: string;
  /** Whether the data comes from the simulator. */
  readonly simulated: boolean;
}

/** The page's footer. */
export function PageFoot(props: PageFootProps) {
  return (
    <footer class="page-foot">
      <span>
        {props.what} from{" "}
        {props.simulated ? "the local Bybit simulator" : "Bybit V5"}{" "}
        · all times UTC
      </span>
      <a href="/api/diagnostics">diagnostics</a>
      <a href="/metrics">metrics</a>
    </footer>
  );
}
