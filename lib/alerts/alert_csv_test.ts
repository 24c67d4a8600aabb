import assert from "node:assert/strict";
import type { AlertFrame } from "../protocol/frames.ts";
import { ALERT_CSV_HEADER, alertCsvRow, csvField } from "./alert_csv.ts";

const ALERT: AlertFrame = {
  type: "alert",
  id: "00lr0bqh9a-0001",
  time: "2024-01-02T03:04:05.006Z",
  symbol: "BTC-USDT",
  kind: "whale_trade",
  price: 60_000.5,
  notional: 300_000.25,
  threshold: 250_000,
  side: "Buy",
  source: "ws",
};

Deno.test("alert csv - header names every column once", () => {
  assert.equal(
    ALERT_CSV_HEADER,
    "id,time,symbol,kind,price,notional,threshold,side,source,direction,size\r\n",
  );
});

Deno.test("alert csv - text quoted, numbers bare, CRLF line end", () => {
  assert.equal(
    alertCsvRow(ALERT),
    '"00lr0bqh9a-0001","2024-01-02T03:04:05.006Z","BTC-USDT","whale_trade",60000.5,300000.25,250000,"Buy","ws",,\r\n',
  );
});

Deno.test("alert csv - an alert without a side leaves the field empty", () => {
  const { side: _side, ...rest } = ALERT;
  assert.match(
    alertCsvRow({ ...rest, kind: "volume_spike" }),
    /,250000,,"ws",,\r\n$/,
  );
});

Deno.test("alert csv - a price-level alert carries its direction", () => {
  const { side: _side, ...rest } = ALERT;
  assert.match(
    alertCsvRow({ ...rest, kind: "price_level", direction: "above" }),
    /,"price_level",.*,"ws","above",\r\n$/,
  );
});

Deno.test("alert csv - a liquidation carries its size in the last column", () => {
  assert.match(
    alertCsvRow({ ...ALERT, kind: "liquidation", size: 12.5 }),
    /,"Buy","ws",,12\.5\r\n$/,
  );
});

Deno.test("csvField - quotes, commas and line breaks stay inside one field", () => {
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField("line\r\nbreak"), '"line\r\nbreak"');
  assert.equal(csvField(""), '""');
  assert.equal(csvField(undefined), "");
  assert.equal(csvField(NaN), "");
});

Deno.test("csvField - text a spreadsheet would evaluate is defused", () => {
  for (const formula of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"]) {
    assert.equal(csvField(formula).startsWith(`"'`), true, formula);
  }
  assert.equal(csvField(-1), "-1", "numbers are data, not formulas");
});
