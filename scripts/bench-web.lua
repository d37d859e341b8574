-- bench-web.lua - wrk script for scripts/bench-web: a fixed mix of queries,
-- taken in turn, against one search endpoint.
--   wrk ... -s scripts/bench-web.lua URL -- PARAM [EXTRA]
-- PARAM is the query parameter (fupin: q, Omega: P); EXTRA is appended as is
-- (e.g. DEFAULTOP=and).  done() prints one line:
--   RESULT requests/s p50-ms p99-ms errors requests

local queries = {
  "扶贫", "脱贫攻坚", "驻村 第一书记", "易地扶贫搬迁", "乡村振兴", "精准扶贫",
  "十八洞", "湖南 扶贫", "产业扶贫", "教育扶贫", "东西部协作", "第一书记",
  "贫困户", "全面小康", "返贫", "消费扶贫",
}

local param, extra
local n = 0

function init(args)
  param = args[1] or "q"
  extra = args[2]
  -- Threads start at different places in the mix.
  n = math.random(#queries)
end

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function request()
  n = n % #queries + 1
  local path = wrk.path .. "?" .. param .. "=" .. encode(queries[n])
  if extra then
    path = path .. "&" .. extra
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, summary.requests))
end
