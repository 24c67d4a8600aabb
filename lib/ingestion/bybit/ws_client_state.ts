/**
 * What a {@linkcode BybitWsClient} reports about its connection: the state
 * and counters the WebSocket ingestion loop folds into `UpstreamState`.
 * Types only, so the ingestion protocol can name them without pulling in
 * the client.
 */
/**
 * Why the connection last failed: closed, silent (no frame at all, not even a
 * pong), data-silent (pongs but no data on any topic), or refused.
 */
export type WsFailureKind =
  | "ws-closed"
  | "ws-silent"
  | "ws-data-silent"
  | "ws-refused";

/** Counters since the client started. */
export interface WsClientCounters {
  /** Sockets that opened. */
  readonly connects: number;
  /** Connections lost or attempts failed. */
  readonly drops: number;
  readonly messages: number;
  /** Frames that failed validation (skipped). */
  readonly badMessages: number;
  /** Trades and liquidations inside otherwise valid pushes that failed validation. */
  readonly itemsRejected: number;
  readonly trades: number;
  /** Valid liquidations received. */
  readonly liquidations: number;
  /** Liquidations that failed validation (absurd values included). */
  readonly liquidationsRejected: number;
  /** Subscribe requests sent (a reconnect resubscribes). */
  readonly subscribeRequests: number;
  /** Topics refused by the exchange. */
  readonly refusals: number;
  /** Connections replaced for answering pings while sending no data. */
  readonly dataSilenceReplacements: number;
  /** Topics resubscribed (silent past their pace, or a delta with no snapshot). */
  readonly topicResubscribes: number;
}

/** What the client reports; times are epoch ms. */
export interface WsClientState {
  /** Names the connection in logs and diagnostics, e.g. `spot#2`. */
  readonly label: string;
  /** Host of the stream (no credentials, path or query). */
  readonly host: string;
  readonly connected: boolean;
  readonly connectedSince: number | null;
  readonly lastMessageAt: number | null;
  /** Last data (a push on any topic) on the current connection. */
  readonly lastDataAt: number | null;
  /** Last valid ticker. */
  readonly lastTickAt: number | null;
  readonly lastAttempt: number | null;
  /** When the next connection attempt starts, while disconnected. */
  readonly nextAttemptAt: number | null;
  /** Failures since the last valid data. */
  readonly consecutiveFailures: number;
  /** Round trip of the last ping, ms. */
  readonly latencyMs: number | null;
  /** The last frame carried the simulator's mark. */
  readonly simulated: boolean;
  readonly lastError: {
    readonly kind: WsFailureKind;
    readonly message: string;
    readonly at: number;
  } | null;
  readonly topics: {
    readonly active: number;
    readonly pending: number;
    readonly refused: readonly string[];
  };
  /** Channel ids whose ticker topic was refused. */
  readonly refusedSymbols: readonly string[];
  readonly counters: WsClientCounters;
}
