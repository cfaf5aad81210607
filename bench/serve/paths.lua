-- wrk script for bench/run_serve.sh: requests the paths listed one a line
-- in the file named by the PATHS environment variable, in order, each thread
-- starting at its own offset, so that every server gets the same sequence.
-- With COUNT=1, a response hook counts every status outside 200-299 and
-- "bad_status N" is printed at the end (wrk's own summary counts 3xx as
-- success). Without it no hook is installed: wrk then hands no responses to
-- Lua, the fastest mode, for the throughput runs (wrk still reports
-- non-2xx/3xx responses in its summary).
-- Optional AUTH: a bearer token sent with every request.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("PATHS"), "r"))
  local headers = {}
  local auth = os.getenv("AUTH")
  if auth and auth ~= "" then headers["Authorization"] = "Bearer " .. auth end
  reqs = {}
  for line in file:lines() do
    if line ~= "" then table.insert(reqs, wrk.format("GET", line, headers)) end
  end
  file:close()
  n = #reqs
  i = (id * 7919) % n
  bad = 0
end

function request()
  i = i % n + 1
  return reqs[i]
end

if os.getenv("COUNT") == "1" then
  function response(status, headers, body)
    if status < 200 or status >= 300 then bad = bad + 1 end
  end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
  io.write(string.format("bad_status %d\n", b))
end
