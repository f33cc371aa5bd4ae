-- The example's load mix: 50% POST a topic, 40% list, 10% GET an unknown
-- id. Every request carries the headers given with -H: load.sh gives the
-- session cookie of a logged-in user, whom the POSTs need. Counts statuses
-- per thread; done() prints "status <code> <n>" lines for bench/load.sh.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  codes = {}
  n = 0
  -- wrk.format uses the headers it is given instead of wrk.headers (-H):
  -- each request gets a copy of -H's, plus its own
  post = {["Content-Type"] = "application/json"}
  for k, v in pairs(wrk.headers) do post[k] = v end
end

function request()
  n = n + 1
  local r = n % 10
  if r < 5 then
    return wrk.format("POST", "/api/v2/topics", post,
      '{"title":"load ' .. n .. '","content":"under load"}')
  elseif r < 9 then
    return wrk.format("GET", "/api/v2/topics?limit=20")
  end
  return wrk.format("GET", "/api/v2/topics/no-such-id-" .. n)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("status %d %d\n", k, v)) end
  io.write(string.format("p50_ms %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("rps %.0f\n", summary.requests / (summary.duration / 1e6)))
end
