-- wrk script for the benchmark: sends each request with the next session cookie of a file (one
-- "Cookie:" value per line; none for anonymous pages), counts any status but 200 as an error (a
-- lost session would answer 302 to the login page, which wrk alone counts as a success), and
-- prints one JSON line with the figures run.py reads.
--   wrk -t2 -c32 -d10s -s bench/wrk.lua http://127.0.0.1:PORT/path -- cookies.txt

cookies = {}
index = 0
bad = 0
local threads = {}

-- With several nodes (BENCH_NODES="127.0.0.1:5201 127.0.0.1:5202", set by run.py), thread n sends
-- to node n modulo their number, so the connections are spread evenly over them (wrk gives each
-- thread the same share); the cookies are the same on every node.
local nodes = nil

function setup(thread)
  if nodes == nil then
    nodes = {}
    for node in string.gmatch(os.getenv("BENCH_NODES") or "", "%S+") do
      local host, port = string.match(node, "^(.+):(%d+)$")
      table.insert(nodes, wrk.lookup(host, port)[1])
    end
  end
  if #nodes > 0 then
    thread.addr = nodes[#threads % #nodes + 1]
  end
  table.insert(threads, thread)
end

function init(args)
  local file = args[1]
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then table.insert(cookies, line) end
    end
  end
  wrk.headers["User-Agent"] = "academy-bench/1"
end

function request()
  if #cookies > 0 then
    index = index % #cookies + 1
    wrk.headers["Cookie"] = cookies[index]
  end
  return wrk.format(nil, nil, wrk.headers)
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local non200 = 0
  for _, thread in ipairs(threads) do
    non200 = non200 + (thread:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "non200": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, non200,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
