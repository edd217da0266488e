-- wrk script for bench/run_platform.py: counts every response that is not 2xx and prints one
-- machine-readable line at the end:
--   BENCH_RESULT {"requests": ..., "requests_per_s": ..., "p50_ms": ..., "p99_ms": ..., ...}
-- Headers (Authorization) are passed with wrk -H; this script sends the URL as given.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non_2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local non_2xx_total = 0
  for _, thread in ipairs(threads) do
    non_2xx_total = non_2xx_total + (thread:get("non_2xx") or 0)
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  -- latency values are in microseconds
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_s": %.3f, "requests_per_s": %.1f, '
      .. '"bytes": %d, "mean_ms": %.3f, "stdev_ms": %.3f, "p50_ms": %.3f, "p90_ms": %.3f, '
      .. '"p99_ms": %.3f, "max_ms": %.3f, "non_2xx": %d, "status_errors": %d, '
      .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    summary.bytes, latency.mean / 1000, latency.stdev / 1000,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    non_2xx_total, errors.status,
    errors.connect, errors.read, errors.write, errors.timeout
  ))
end
