-- POST /api/v1/users/register with a new username every time.
package.path = package.path .. ";bench/lua/?.lua"
local report = require("report")
dofile("bench/lua/threads.lua")

local tag, password, count = "", "", 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  local options = report.parse(args)
  tag, password = options.tag, options.password
end

function request()
  count = count + 1
  local username = string.format("%st%dn%d", tag, id, count)
  local body = string.format(
    '{"username": "%s", "email": "%s@example.com", "password": "%s", "full_name": "Bench %s"}',
    username, username, password, username)
  return wrk.format("POST", "/api/v1/users/register", headers, body)
end

done = report.done
