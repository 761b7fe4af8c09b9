-- POST /api/v1/refresh-token, each connection following its own rotation chain: a token
-- is taken from this thread's queue and the rotated one from the response goes back in.
-- Each thread needs more tokens than connections: wrk calls request() once at start-up
-- to check the script, and that token is never sent.
package.path = package.path .. ";bench/lua/?.lua"
local report = require("report")
dofile("bench/lua/threads.lua")

local queue, head, tail = {}, 1, 0
local spent = "spent-token"

function init(args)
  local options = report.parse(args)
  for _, token in ipairs(report.share(report.lines(options.tokens), id, tonumber(options.threads))) do
    tail = tail + 1
    queue[tail] = token
  end
end

function request()
  local token = spent  -- an empty queue (a chain broken by an error) shows up as errors
  if head <= tail then
    token = queue[head]
    queue[head] = nil
    head = head + 1
  end
  return wrk.format("POST", "/api/v1/refresh-token", { ["Authorization"] = "Bearer " .. token })
end

function response(status, headers, body)
  local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if status == 200 and token then
    tail = tail + 1
    queue[tail] = token
  end
end

done = report.done
