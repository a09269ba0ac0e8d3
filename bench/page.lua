-- One page for bench/pages.py:
--   wrk -t2 -c8 -d15s --latency -s bench/page.lua URL -- METHOD EXPECTED [BODY]
-- METHOD is GET or POST, EXPECTED the status codes that count as success ("200" or "302,303"),
-- BODY the form-encoded POST body. Cookies and the CSRF header come from wrk's -H options.
-- done() prints one line, "BENCH_JSON {...}", that the harness reads.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = args[1] or "GET"
  if args[3] ~= nil and args[3] ~= "" then
    wrk.body = args[3]
  end
  expected = {}
  for code in string.gmatch(args[2] or "200", "%d+") do
    expected[tonumber(code)] = true
  end
  statuses = {}
  unexpected = 0
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if not expected[status] then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local codes = {}
  local bad = 0
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      codes[code] = (codes[code] or 0) + n
    end
    bad = bad + thread:get("unexpected")
  end
  local parts = {}
  for code, n in pairs(codes) do
    table.insert(parts, string.format('"%s": %d', code, n))
  end
  table.sort(parts)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, '
      .. '"p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "unexpected": %d, '
      .. '"socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, bad,
    errors.connect + errors.read + errors.write + errors.timeout,
    table.concat(parts, ", ")
  ))
end
