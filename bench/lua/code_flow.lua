-- The authorization code flow with a live browser session, as a web app drives it:
-- GET /authorize with the session cookie (302 to the app with a code), then the app
-- exchanges the code at the token endpoint with its PKCE verifier. A thread keeps the codes
-- its authorize answers carried and spends each in its next request; a complete flow is
-- two requests, so flows/s is half the requests/s.
package.path = package.path .. ";bench/lua/?.lua"
local report = require("report")
dofile("bench/lua/threads.lua")

local authorize, cookies, next_cookie = "", {}, 0
local token_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local token_body, codes = "", {}

function init(args)
  local options = report.parse(args)
  authorize = "/authorize?" .. options.query
  cookies = report.share(report.lines(options.cookies), id or 0, tonumber(options.threads))
  token_headers["Authorization"] = "Basic " .. options.basic
  token_body = "grant_type=authorization_code&redirect_uri=" .. options.redirect_uri ..
    "&code_verifier=" .. options.verifier .. "&code="
end

function request()
  local code = table.remove(codes)
  if code then
    return wrk.format("POST", "/api/v1/oauth/token", token_headers, token_body .. code)
  end
  next_cookie = next_cookie % #cookies + 1
  return wrk.format("GET", authorize, { ["Cookie"] = cookies[next_cookie] })
end

function response(status, headers, body)
  if status == 302 or status == 303 then
    local code = (headers["Location"] or headers["location"] or ""):match("[?&]code=([^&]+)")
    if code then codes[#codes + 1] = code end
  end
end

done = report.done
