import { renderAlertPrometheus } from "../lib/alerts/alert_prometheus.ts";
import { renderEnginePrometheus } from "../lib/observability/engine_prometheus.ts";
import { renderPrometheus } from "../lib/observability/prometheus.ts";
import type { AppState } from "../lib/service/app_state.ts";
import type { Handlers } from "../lib/web/mod.ts";

/** Prometheus text exposition of the service metrics. */
export const handler: Handlers<AppState> = {
  GET: (_req, ctx) => {
    const { services } = ctx.state;
    const metrics = services.metrics();
    const alerts = metrics.alerts ? renderAlertPrometheus(metrics.alerts) : "";
    const engine = metrics.engine ? renderEnginePrometheus(metrics.engine) : "";
    return new Response(
      renderPrometheus(metrics, services.rooms().rooms) + alerts + engine,
      {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      },
    );
  },
};
