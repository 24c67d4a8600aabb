import type { RoomsResponse } from "../lib/protocol/api_types.ts";
import { formatCount, formatDuration } from "../lib/client/format.ts";
import { useDashboard } from "../lib/client/use_dashboard.ts";

/** Props of {@linkcode RoomMetrics}. */
export interface RoomMetricsProps {
  readonly symbols: readonly string[];
  readonly rooms: RoomsResponse;
}

/** Subscribers per symbol room and in total (polled every 10 s). */
export default function RoomMetrics(props: RoomMetricsProps) {
  const dashboard = useDashboard({
    symbols: props.symbols,
    rooms: props.rooms,
  });
  const polled = dashboard.rooms.value;
  const rooms = polled?.value ?? props.rooms;
  const most = Math.max(1, ...Object.values(rooms.rooms));
  const age = polled ? dashboard.now.value - polled.at : null;
  return (
    <section class="panel rooms" aria-labelledby="rooms-title">
      <header class="panel-head">
        <h2 id="rooms-title">Rooms</h2>
        <span class="muted num" data-field="rooms-total">
          {formatCount(rooms.total)} {rooms.total === 1 ? "socket" : "sockets"}
        </span>
      </header>
      <ul class="room-list">
        {props.symbols.map((symbol) => {
          const count = rooms.rooms[symbol] ?? 0;
          return (
            <li key={symbol} class="room">
              <span class="room-symbol">{symbol.replace("-USDT", "")}</span>
              <svg
                class="room-bar"
                viewBox="0 0 100 6"
                preserveAspectRatio="none"
                aria-hidden="true"
              >
                <rect class="room-track" width="100" height="6" rx="3" />
                <rect
                  class="room-fill"
                  width={(count / most) * 100}
                  height="6"
                  rx="3"
                />
              </svg>
              <span class="num room-count">{formatCount(count)}</span>
            </li>
          );
        })}
      </ul>
      <p class="panel-foot muted">
        Subscribers per symbol{age === null
          ? ""
          : age < 1_000
          ? " · updated just now"
          : ` · updated ${formatDuration(age)} ago`}
      </p>
    </section>
  );
}
