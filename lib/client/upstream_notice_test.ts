import assert from "node:assert/strict";
import { describeUpstreamProblem } from "./upstream_notice.ts";

Deno.test("describeUpstreamProblem - turns the service's error kinds into plain words", () => {
  assert.equal(
    describeUpstreamProblem("network: Network error: fetch failed"),
    "the exchange cannot be reached",
  );
  assert.equal(
    describeUpstreamProblem("http: HTTP 503 Service Unavailable"),
    "the exchange answered with an error",
  );
  assert.equal(
    describeUpstreamProblem("timeout: no answer within 10 s"),
    "the exchange is not answering in time",
  );
  assert.match(
    describeUpstreamProblem("WebSocket down; polling REST"),
    /live stream is down/,
  );
});

Deno.test("describeUpstreamProblem - never shows raw text it does not know", () => {
  assert.equal(
    describeUpstreamProblem("weird: something <b>odd</b>"),
    "the exchange feed has a problem",
  );
  assert.equal(
    describeUpstreamProblem(undefined),
    "the exchange feed has a problem",
  );
});
