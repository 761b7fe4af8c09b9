-- POST /api/v1/token as a random one of `users` seeded accounts (`prefix` + 7 digits).
package.path = package.path .. ";bench/lua/?.lua"
local report = require("report")
dofile("bench/lua/threads.lua")

local prefix, users, password
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function init(args)
  local options = report.parse(args)
  prefix, users, password = options.prefix, tonumber(options.users), options.password
  math.randomseed(os.time() * 100 + (id or 0))
end

function request()
  local username = string.format("%s%07d", prefix, math.random(0, users - 1))
  local body = "username=" .. username .. "&password=" .. password
  return wrk.format("POST", "/api/v1/token", headers, body)
end

done = report.done
