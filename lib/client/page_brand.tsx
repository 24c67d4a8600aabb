/**
 * The brand in every page's top bar: the mark, the one `h1`, the tag line.
 * Static markup (no state), shared by the dashboard and the screener.
 */

/** The top bar's brand link to the dashboard. */
export function PageBrand() {
  return (
    <a class="brand" href="/">
      <svg
        class="brand-mark"
        viewBox="0 0 32 32"
        width="28"
        height="28"
        aria-hidden="true"
      >
        <rect width="32" height="32" rx="7" class="brand-bg" />
        <path d="M6 21l6-7 5 4 9-10" class="brand-line" />
        <circle cx="26" cy="8" r="2.4" class="brand-dot" />
      </svg>
      <h1 class="brand-name">SATS Sentinel</h1>
      <span class="brand-tag">market telemetry</span>
    </a>
  );
}
