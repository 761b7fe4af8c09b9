-- POST /sign-in, the hosted sign-in form, as a random one of `users` seeded accounts,
-- from a browser that opened the page (its CSRF cookie and the form's token).
package.path = package.path .. ";bench/lua/?.lua"
local report = require("report")
dofile("bench/lua/threads.lua")

local prefix, users, password, csrf_token
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function init(args)
  local options = report.parse(args)
  prefix, users, password = options.prefix, tonumber(options.users), options.password
  csrf_token = options.csrf_token
  headers["Cookie"] = report.lines(options.cookie_file)[1]
  math.randomseed(os.time() * 100 + (id or 0))
end

function request()
  local username = string.format("%s%07d", prefix, math.random(0, users - 1))
  local body = "login=" .. username .. "&password=" .. password .. "&csrf_token=" .. csrf_token
  return wrk.format("POST", "/sign-in", headers, body)
end

done = report.done
