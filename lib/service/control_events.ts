/**
 * The events every instance announces to every other on the engine's control
 * channel: a threshold changed, the leader's upstream status, the price-level
 * alerts changed, the exchange's listing changed (`listing_announcement.ts`). JSON objects told apart by `kind`; an event this version
 * does not know is ignored, so instances of two versions can share a stream
 * during a rolling upgrade.
 */
import type { ThresholdKind } from "../alerts/symbol_thresholds.ts";
import type { StatusFrame } from "../protocol/frames.ts";
import {
  asListingAnnouncement,
  type ListingAnnouncement,
} from "./listing_announcement.ts";

export type { ListingAnnouncement } from "./listing_announcement.ts";

/** A threshold change announced on the control channel. */
export interface ThresholdAnnouncement {
  readonly kind: "thresholds";
  readonly symbol: string;
  readonly changes: Partial<Record<ThresholdKind, number>>;
}

/** The leader's upstream status, with its ingestion state for diagnostics. */
export interface StatusAnnouncement {
  readonly kind: "status";
  readonly frame: StatusFrame;
  /** The leader's last ingestion state (JSON), shown by followers. */
  readonly upstream?: unknown;
}

/**
 * The stored price-level alerts changed (created, deleted, fired or
 * re-armed): every instance reads them again from the shared store.
 */
export interface PriceAlertsAnnouncement {
  readonly kind: "price_alerts";
}

/** Every control event. */
export type ControlEvent =
  | ThresholdAnnouncement
  | StatusAnnouncement
  | PriceAlertsAnnouncement
  | ListingAnnouncement;

/** The event `data` holds, or undefined for malformed or unknown data. */
export function parseControlEvent(data: string): ControlEvent | undefined {
  try {
    const event = JSON.parse(data) as Partial<ControlEvent> | null;
    if (typeof event !== "object" || event === null) return undefined;
    switch (event.kind) {
      case "thresholds":
      case "status":
      case "price_alerts":
        return event as ControlEvent;
      case "listing":
        return asListingAnnouncement(event as Record<string, unknown>);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
