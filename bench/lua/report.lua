-- Shared by every scenario script: argument parsing and the one-line JSON report that
-- the harness reads from wrk's output.
local M = {}

-- Arguments come after `--` as key=value pairs.
function M.parse(args)
  local options = {}
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    if key then options[key] = value end
  end
  return options
end

-- The lines of a file (tokens, one per line), or an empty list.
function M.lines(path)
  local items = {}
  if path and path ~= "" then
    for line in io.lines(path) do
      if line ~= "" then items[#items + 1] = line end
    end
  end
  return items
end

-- The items of `list` that belong to thread `id` of `count` (so threads never share one).
function M.share(list, id, count)
  local mine = {}
  for i, item in ipairs(list) do
    if (i - 1) % count == id then mine[#mine + 1] = item end
  end
  return mine
end

function M.done(summary, latency)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end

return M
