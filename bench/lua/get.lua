-- GET `path`, with bearer tokens from `tokens` (one per line, taken in turn) when given.
-- `delay_ms` paces each connection (a fixed request rate instead of a closed loop).
package.path = package.path .. ";bench/lua/?.lua"
local report = require("report")
dofile("bench/lua/threads.lua")

local path, tokens, next_token = "/", {}, 0

function init(args)
  local options = report.parse(args)
  path = options.path or "/"
  tokens = report.lines(options.tokens)
  local pause = tonumber(options.delay_ms or "0")
  if pause > 0 then
    function delay() return pause end
  end
end

function request()
  if #tokens == 0 then return wrk.format("GET", path) end
  next_token = next_token % #tokens + 1
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[next_token] })
end

done = report.done
