-- POST /api/v1/oauth/introspect (RFC 7662) as a registered client, tokens taken in turn.
package.path = package.path .. ";bench/lua/?.lua"
local report = require("report")
dofile("bench/lua/threads.lua")

local tokens, next_token, headers = {}, 0, {}

function init(args)
  local options = report.parse(args)
  tokens = report.lines(options.tokens)
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic " .. options.basic,
  }
end

function request()
  next_token = next_token % #tokens + 1
  return wrk.format("POST", "/api/v1/oauth/introspect", headers, "token=" .. tokens[next_token])
end

done = report.done
