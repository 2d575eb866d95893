-- wrk script: a mix of documented calls, good and bad, with a seed that changes per request so
-- the stores (media URLs, queue, journal) keep receiving new entries.
-- bench/soak.sh stops wrk once the mock has answered enough of them.
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

local id, n = 0, 0
function init(args)
  id = wrk.thread:get("id")
end

local json = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer bench-key" }
local auth = { ["Authorization"] = "Bearer bench-key" }
local function chat(seed, stream)
  return '{"model":"gpt-4o","messages":[{"role":"user","content":"Name an ox."}],"max_tokens":16,' ..
         '"seed":' .. seed .. ',"stream":' .. tostring(stream) .. '}'
end
local calls = {
  function(s) return wrk.format("GET", "/api/ai/models", auth) end,
  function(s) return wrk.format("GET", "/api/ai/models/gpt-4o", auth) end,
  function(s) return wrk.format("GET", "/api/ai/models/search?search=flux", auth) end,
  function(s) return wrk.format("POST", "/api/ai/chat/completions", json, chat(s, false)) end,
  function(s) return wrk.format("POST", "/api/ai/chat/completions", json, chat(s, true)) end,
  function(s) return wrk.format("POST", "/api/ai/images/generate", json,
                                '{"model":"flux-2-dev","prompt":"ox ' .. s .. '","seed":' .. s .. '}') end,
  function(s) return wrk.format("POST", "/api/ai/queue", json,
                                '{"model":"flux-2-dev","prompt":"ox","seed":' .. s .. '}') end,
  function(s) return wrk.format("GET", "/api/ai/queue?limit=5", auth) end,
  function(s) return wrk.format("POST", "/api/ai/models/oxen:acme/support-bot/deactivate", auth) end,
  function(s) return wrk.format("POST", "/api/ai/models/oxen:acme/support-bot/activate", auth) end,
  function(s) return wrk.format("GET", "/api/ai/models/no-such-model-" .. s, auth) end,
  function(s) return wrk.format("POST", "/api/ai/chat/completions", json, '{"model":"gpt-4o"}') end,
  function(s) return wrk.format("GET", "/api/ai/models") end,
}

function request()
  n = n + 1
  return calls[n % #calls + 1](id * 1000000000 + n)
end

