-- POSTs the CSV body in WRK_BODY_FILE to /api/v1/telematics/events, one fresh driver per request (ids listed in
-- WRK_DRIVERS, comma-separated) so that every request stores new events; prints events/s at the end.
local body_file = assert(os.getenv("WRK_BODY_FILE"), "WRK_BODY_FILE is not set")
local events_per_body = tonumber((assert(os.getenv("WRK_EVENTS"), "WRK_EVENTS is not set")))
local token = assert(os.getenv("WRK_TOKEN"), "WRK_TOKEN is not set")
local drivers = {}
for id in string.gmatch(assert(os.getenv("WRK_DRIVERS"), "WRK_DRIVERS is not set"), "[^,]+") do
  drivers[#drivers + 1] = id
end

local file = assert(io.open(body_file, "rb"))
local body = file:read("*a")
file:close()

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  next_driver = thread_index
  failures = 0
end

function request()
  local id = drivers[(next_driver % #drivers) + 1]
  next_driver = next_driver + thread_count
  return wrk.format("POST", "/api/v1/telematics/events?driverId=" .. id, {
    ["Content-Type"] = "text/csv",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("HTTP " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local ok = summary.requests - summary.errors.status - summary.errors.connect - summary.errors.read - summary.errors.write - summary.errors.timeout
  io.write(string.format("requests: %d (%d not 200), events per request: %d, duration: %.1f s\n",
    summary.requests, summary.requests - ok, events_per_body, seconds))
  io.write(string.format("latency p50 %.0f ms, p99 %.0f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  io.write(string.format("events/s: %.0f\n", ok * events_per_body / seconds))
end
