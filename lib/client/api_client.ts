/**
 * The few JSON API calls the dashboard makes, with the server's `{error,
 * detail}` surfaced as data rather than thrown, so a form can show exactly
 * what the server said. `fetch` is injected for tests.
 */
import type { ThresholdUpdateResponse } from "../protocol/api_types.ts";
import type {
  PriceAlert,
  PriceAlertRequest,
} from "../protocol/price_alerts.ts";

/** A successful body, or the server's (or the network's) error. */
export type ApiResult<T> =
  | { readonly ok: true; readonly data: T }
  | {
    readonly ok: false;
    /** HTTP status, or 0 when the request never got an answer. */
    readonly status: number;
    readonly error: string;
    readonly detail: string;
  };

/** The `fetch` the client uses. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

async function call<T>(
  fetcher: Fetch,
  path: string,
  init?: RequestInit,
): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetcher(path, {
      ...init,
      headers: { accept: "application/json", ...init?.headers },
    });
  } catch {
    return {
      ok: false,
      status: 0,
      error: "network",
      detail: "The server cannot be reached",
    };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok && body !== undefined) return { ok: true, data: body as T };
  const record = (body ?? {}) as { error?: unknown; detail?: unknown };
  return {
    ok: false,
    status: response.status,
    error: typeof record.error === "string"
      ? record.error
      : `http_${response.status}`,
    detail: typeof record.detail === "string"
      ? record.detail
      : `The server answered HTTP ${response.status}`,
  };
}

/** `GET path` as JSON. */
export function getJson<T>(
  fetcher: Fetch,
  path: string,
): Promise<ApiResult<T>> {
  return call<T>(fetcher, path, { cache: "no-store" });
}

/** `PUT /api/thresholds/:symbol` with the admin token. */
export function putThreshold(
  fetcher: Fetch,
  symbol: string,
  threshold: number,
  token: string,
): Promise<ApiResult<ThresholdUpdateResponse>> {
  return call<ThresholdUpdateResponse>(
    fetcher,
    `/api/thresholds/${encodeURIComponent(symbol)}`,
    {
      method: "PUT",
      headers: adminHeaders(token),
      body: JSON.stringify({ threshold }),
    },
  );
}

function adminHeaders(token: string): Record<string, string> {
  return {
    "content-type": "application/json",
    authorization: `Bearer ${token}`,
  };
}

/** `POST /api/price-alerts` with the admin token. */
export function postPriceAlert(
  fetcher: Fetch,
  request: PriceAlertRequest,
  token: string,
): Promise<ApiResult<PriceAlert>> {
  return call<PriceAlert>(fetcher, "/api/price-alerts", {
    method: "POST",
    headers: adminHeaders(token),
    body: JSON.stringify(request),
  });
}

/** `DELETE /api/price-alerts/:id` with the admin token (204: no body). */
export async function deletePriceAlert(
  fetcher: Fetch,
  id: string,
  token: string,
): Promise<ApiResult<null>> {
  const result = await call<null>(
    fetcher,
    `/api/price-alerts/${encodeURIComponent(id)}`,
    { method: "DELETE", headers: adminHeaders(token) },
  );
  // A 204 has no JSON body, which `call` reports as an error.
  return !result.ok && result.status >= 200 && result.status < 300
    ? { ok: true, data: null }
    : result;
}
