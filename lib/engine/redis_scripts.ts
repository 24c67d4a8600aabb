/**
 * The Redis engine's Lua scripts: every write that must be atomic is one
 * script, so a fence check and the write it guards can never be split by
 * another client (Redis runs a script without interleaving). Scripts go by
 * EVALSHA and fall back to EVAL once when the server does not know them (a
 * restarted Redis has an empty script cache).
 *
 * Key names are built inside the scripts from a prefix, so the engine needs a
 * single Redis (or a primary with replicas), not Redis Cluster.
 */
import type { Redis } from "ioredis";
import type { EngineEntry } from "./stream_engine.ts";

/**
 * Checks the epoch and the fence, then per item: INCR the channel's seq, XADD
 * to its history stream with id `<seq>-1` trimmed to exactly MAXLEN, and
 * finally one PUBLISH of the whole batch: `<epoch>\n<channel>\t<seq>\t<data>…`.
 *
 * KEYS: epoch, lease. ARGV: epoch, fence ("" = none), maxlen, prefix,
 * events channel, publish ("1"/"0"), then channel, data pairs.
 */
export const PUBLISH_SCRIPT = `
local epoch = redis.call('GET', KEYS[1])
if epoch ~= ARGV[1] then return {'epoch'} end
if ARGV[2] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[2] then return {'fenced'} end
local seqs = {}
local lines = {ARGV[1]}
for i = 7, #ARGV, 2 do
  local channel, data = ARGV[i], ARGV[i + 1]
  local seq = redis.call('INCR', ARGV[4] .. 'seq:' .. channel)
  redis.call('XADD', ARGV[4] .. 'hist:' .. channel, 'MAXLEN', ARGV[3], seq .. '-1', 'd', data)
  seqs[#seqs + 1] = seq
  lines[#lines + 1] = channel .. '\\t' .. seq .. '\\t' .. data
end
if ARGV[6] == '1' then redis.call('PUBLISH', ARGV[5], table.concat(lines, '\\n')) end
return {'ok', seqs}
`;

/**
 * Appends an alert once per idempotency key: epoch and fence checks, then
 * `SET key NX EX ttl`; only a new key numbers, stores and publishes it.
 *
 * KEYS: epoch, lease, alert key. ARGV: epoch, fence, maxlen, prefix, events
 * channel, key ttl s, alert channel, data.
 */
export const APPEND_ALERT_SCRIPT = `
local epoch = redis.call('GET', KEYS[1])
if epoch ~= ARGV[1] then return {'epoch'} end
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return {'fenced'} end
if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[6]) then return {'dup'} end
local channel, data = ARGV[7], ARGV[8]
local seq = redis.call('INCR', ARGV[4] .. 'seq:' .. channel)
redis.call('XADD', ARGV[4] .. 'hist:' .. channel, 'MAXLEN', ARGV[3], seq .. '-1', 'd', data)
redis.call('PUBLISH', ARGV[5], ARGV[1] .. '\\n' .. channel .. '\\t' .. seq .. '\\t' .. data)
return {'ok', {seq}}
`;

/**
 * Takes the lease when nobody holds it: a new token from the counter, the
 * value `<holder>|<token>` with a PX expiry. KEYS: lease, token counter.
 * ARGV: holder, ttl ms. Returns the token, or false.
 */
export const ACQUIRE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token
`;

/** Extends the lease if it is still ours. KEYS: lease. ARGV: value, ttl ms. */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** Deletes the lease if it is still ours. KEYS: lease. ARGV: value. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/** Stores a value only under the fence. KEYS: lease, key. ARGV: fence, value. */
export const FENCED_SET_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

/** Creates the epoch unless one exists; returns the one in force. */
export const EPOCH_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
`;

/**
 * Reads a message the scripts PUBLISH: the epoch on the first line, then one
 * `<channel>\t<seq>\t<data>` line per entry (data is JSON text, which never
 * holds a raw tab or newline). Malformed lines are skipped.
 */
export function parseEventMessage(
  message: string,
): { epoch: string; entries: EngineEntry[] } {
  const lines = message.split("\n");
  const entries: EngineEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const a = line.indexOf("\t");
    const b = line.indexOf("\t", a + 1);
    if (a < 0 || b < 0) continue;
    entries.push({
      channel: line.slice(0, a),
      seq: Number(line.slice(a + 1, b)),
      data: line.slice(b + 1),
    });
  }
  return { epoch: lines[0], entries };
}

const shas = new Map<string, Promise<string>>();

async function sha1(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-1",
    new TextEncoder().encode(text),
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** Runs `script` by EVALSHA, loading it with EVAL when the server lacks it. */
export async function runScript(
  client: Redis,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) {
    sha = sha1(script);
    shas.set(script, sha);
  }
  try {
    return await client.evalsha(await sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
    return await client.eval(script, keys.length, ...keys, ...args);
  }
}
