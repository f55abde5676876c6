-- wrk script: every request signs a different bulk demo login in through the portal's form.
--
--   wrk -s bench/sign_in.lua URL/login -- IDENTIFIERS_FILE PASSWORD CSRF_COOKIE CSRF_TOKEN
--
-- IDENTIFIERS_FILE holds one username per line (logins that share the bulk password). The CSRF
-- cookie and token come from one GET /login; the token stays valid for that cookie, and wrk
-- keeps no cookies, so every request is a browser signing in afresh. A success answers 303; a
-- refusal (401), a throttle (429) or a full hashing queue (503) shows in wrk's
-- "Non-2xx or 3xx responses" line, which bench/wrk_report.py treats as a failed run.

local identifiers = {}
local body_rest, cookie

local function urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then identifiers[#identifiers + 1] = urlencode(line) end
  end
  if #identifiers == 0 then error("no identifiers in " .. args[1]) end
  body_rest = "&password=" .. urlencode(args[2]) .. "&csrf_token=" .. urlencode(args[4])
  cookie = "portal_csrf=" .. args[3]
  -- Each wrk thread has its own Lua state: seed each differently.
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
end

function request()
  local body = "identifier=" .. identifiers[math.random(#identifiers)] .. body_rest
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
