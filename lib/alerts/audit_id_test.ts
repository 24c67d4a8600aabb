import assert from "node:assert/strict";
import { AUDIT_ID_PATTERN, auditIdMs, formatAuditId } from "./audit_id.ts";

Deno.test("audit id - well-formed, time first, read back", () => {
  const id = formatAuditId(1_704_164_645_006);
  assert.match(id, AUDIT_ID_PATTERN);
  assert.equal(auditIdMs(id), 1_704_164_645_006);
  assert.notEqual(formatAuditId(5), formatAuditId(5), "random suffix");
});

Deno.test("audit id - string order is time order", () => {
  const ids = [9, 10, 36, 1_000, 1_704_164_645_006].map(formatAuditId);
  assert.deepEqual([...ids].sort(), ids);
});

Deno.test("audit id - an unreadable id reads as time 0", () => {
  assert.equal(auditIdMs("-0a1b2c3d"), 0);
  assert.equal(auditIdMs(""), 0);
});
