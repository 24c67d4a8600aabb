import { streamSocketConformance } from "./stream_socket_conformance.ts";

streamSocketConformance("deno");
streamSocketConformance("ws");
