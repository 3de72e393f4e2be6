import { createHash } from 'node:crypto';

/** A Lua script run with EVALSHA (falling back to EVAL once per node, which also caches it there). */
export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

const script = (lua: string): LuaScript => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

// Every script touches one key (KEYS[1]), or keys of one hash slot, so it runs unchanged on Redis Cluster.

/** ARGV[1] = TTL seconds, ARGV[2..] = members. The TTL becomes max(current, ARGV[1]). */
export const addToSetScript = script(`
local existed = redis.call('EXISTS', KEYS[1]) == 1
redis.call('SADD', KEYS[1], unpack(ARGV, 2))
local wanted = tonumber(ARGV[1]) * 1000
local current = redis.call('PTTL', KEYS[1])
-- PTTL is -1 for a set without expiry: a new set gets the TTL, an existing persistent one stays so.
if (not existed) or (current >= 0 and current < wanted) then
  redis.call('PEXPIRE', KEYS[1], wanted)
end
return 1
`);

/** ARGV[1] = TTL seconds or '' for none; the TTL is set only when the counter is created. */
export const incrScript = script(`
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCR', KEYS[1])
if created and ARGV[1] ~= '' then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return value
`);

/**
 * ARGV[1] = epoch seconds. Adds "consumed" to the stored JSON object, keeping its TTL; a missing key
 * stays missing and an earlier consumption time stands. The JSON text is extended, not re-encoded:
 * cjson turns [] into {} and rounds numbers beyond 14 digits, which would corrupt the payload.
 */
export const markConsumedScript = script(`
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local payload = cjson.decode(raw)
if type(payload) ~= 'table' or string.sub(raw, 1, 1) ~= '{' or string.sub(raw, -1) ~= '}' then
  return redis.error_reply('markConsumed: ' .. KEYS[1] .. ' does not hold a JSON object')
end
if payload['consumed'] ~= nil and payload['consumed'] ~= cjson.null then return 0 end
local body = string.sub(raw, 2, -2)
local separator = ''
if string.find(body, '%S') then separator = ',' end
redis.call('SET', KEYS[1], '{' .. body .. separator .. '"consumed":' .. ARGV[1] .. '}', 'KEEPTTL')
return 1
`);

/**
 * ARGV[1] = trim-before ms or '', then pairs of (ms, value). Each entry gets the id "<ms>-*", or
 * "<newest ms>-*" when its ms is below the stream's newest (XADD refuses going back); then the
 * stream is trimmed with MINID ~ (whole blocks only, cheap). Answers the ids.
 */
export const appendToStreamScript = script(`
local function newest_ms()
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then return string.match(info[i + 1], '^(%d+)') end
  end
end
local ids = {}
for i = 2, #ARGV, 2 do
  local id = redis.pcall('XADD', KEYS[1], ARGV[i] .. '-*', 'v', ARGV[i + 1])
  if type(id) == 'table' and id.err then id = redis.call('XADD', KEYS[1], newest_ms() .. '-*', 'v', ARGV[i + 1]) end
  ids[#ids + 1] = id
end
if ARGV[1] ~= '' then redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[1]) end
return ids
`);

/**
 * ARGV[1] = TTL seconds, ARGV[2] = prune-below score or '', then pairs of (score, member). Adds the
 * members, drops those scored below ARGV[2], and grows the TTL as addToSetScript does.
 */
export const addToSortedSetScript = script(`
local existed = redis.call('EXISTS', KEYS[1]) == 1
for i = 3, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[2] ~= '' then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2]) end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local wanted = tonumber(ARGV[1]) * 1000
local current = redis.call('PTTL', KEYS[1])
if (not existed) or (current >= 0 and current < wanted) then
  redis.call('PEXPIRE', KEYS[1], wanted)
end
return 1
`);

/**
 * KEYS = one key per write (all in one hash slot); ARGV[1] = the writes as JSON, write i applying
 * to KEYS[i]: {op, value, ttl} / {op} / {op, ttl, prune, members = [[score, member], ...]}. Types are
 * checked first, so a script that fails has written nothing.
 */
export const writeTogetherScript = script(`
local writes = cjson.decode(ARGV[1])
for i, w in ipairs(writes) do
  if w.op == 'addToSortedSet' or w.op == 'removeFromSortedSet' then
    local t = redis.call('TYPE', KEYS[i]).ok
    if t ~= 'none' and t ~= 'zset' then return redis.error_reply('WRONGTYPE ' .. KEYS[i] .. ' is not a sorted set') end
  end
end
for i, w in ipairs(writes) do
  local key = KEYS[i]
  if w.op == 'set' then
    if w.ttl then redis.call('SET', key, w.value, 'EX', w.ttl) else redis.call('SET', key, w.value) end
  elseif w.op == 'del' then
    redis.call('DEL', key)
  elseif w.op == 'addToSortedSet' then
    local existed = redis.call('EXISTS', key) == 1
    for _, m in ipairs(w.members) do redis.call('ZADD', key, m[1], m[2]) end
    if w.prune then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. w.prune) end
    if redis.call('EXISTS', key) == 1 then
      local wanted = w.ttl * 1000
      local current = redis.call('PTTL', key)
      if (not existed) or (current >= 0 and current < wanted) then redis.call('PEXPIRE', key, wanted) end
    end
  elseif w.op == 'removeFromSortedSet' then
    for _, m in ipairs(w.members) do redis.call('ZREM', key, m) end
  end
end
return 1
`);

/**
 * KEYS[1] = the key to read, KEYS[2] = the mark (one hash slot); ARGV[1] = the mark's TTL seconds.
 * Answers nil for a missing key (and sets no mark), else {value, 1 when the mark was set by this
 * call or 0 when it was there}.
 */
export const getAndMarkScript = script(`
local value = redis.call('GET', KEYS[1])
if not value then return false end
if redis.call('SET', KEYS[2], '1', 'EX', ARGV[1], 'NX') then return {value, 1} end
return {value, 0}
`);
