#!/usr/bin/env bash
# Load test of the risk endpoints with wrk against a host on loopback (issue #7, performance):
#   1. cached GET /api/v1/risk/{id}/score   target at 1,000 req/s: p50 <= 0.5 ms, p99 <= 2 ms
#   2. uncached POST /api/v1/risk/{id}/recalculate   target at 100 req/s: p99 <= 20 ms
# It starts its own PostgreSQL cluster (scripts/pg.sh, cluster "perf-risk") and host (Release build), seeds
# DRIVERS drivers with three days of driving (telematics seed), batch-scores them, runs wrk, prints the figures and
# stops everything. With wrk2 installed (or a wrk that takes -R) the rates above are fixed (-R 1000 / -R 100);
# with plain wrk (Debian `wrk`, closed loop) the score run uses THREADS threads and CONNECTIONS connections and the
# recalculation run one connection (back-to-back requests, so its latencies are the per-request service times).
# Usage: scripts/perf/wrk-risk.sh   (env: DRIVERS=1000 DURATION=30s THREADS=2 CONNECTIONS=16 PORT=5087)
set -euo pipefail
cd "$(dirname "$0")/../.."
DRIVERS=${DRIVERS:-1000}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-5087}
CLUSTER=perf-risk
. scripts/perf/host-lib.sh
perf_init wrk-risk
work=$PERF_WORK

perf_require_wrk

echo "== building (Release)"
perf_build_host
perf_build samples/Telematics.Cli
cli_dll=samples/Telematics.Cli/bin/Release/net10.0/telematics.dll

echo "== PostgreSQL cluster $CLUSTER"
perf_start_cluster "$CLUSTER" fresh
cs=$PERF_PG
dotnet "$cli_dll" migrate --connection "$cs" >/dev/null

echo "== seeding $DRIVERS drivers x 3 days (telematics seed: the ingest code path, so trips keep their state)"
dotnet "$cli_dll" seed --drivers "$DRIVERS" --days 3 --connection "$cs" >/dev/null
dotnet "$cli_dll" batch-score --all --period-days 30 --chunk 1000 --run-id perf-seed --connection "$cs" >/dev/null

echo "== starting the host on 127.0.0.1:$PORT"
perf_start_host "http://127.0.0.1:$PORT"
token=$(perf_token)
base="http://127.0.0.1:$PORT/api/v1/risk"
curl -fs -H "Authorization: Bearer $token" "$base/1/score" >/dev/null   # fills the cache

cat >"$work/recalculate.lua" <<LUA
local n = 0
request = function()
  n = n % $DRIVERS + 1
  return wrk.format("POST", "/api/v1/risk/" .. n .. "/recalculate?periodDays=30", { ["Authorization"] = "Bearer $token" }, "")
end
LUA

fixed_rate=""
if command -v wrk2 >/dev/null 2>&1; then wrk_bin=wrk2; fixed_rate=yes
elif wrk -h 2>&1 | grep -q -- '-R'; then wrk_bin=wrk; fixed_rate=yes
else wrk_bin=wrk; fi

echo
echo "== 1. cached GET /risk/{id}/score (target p50 <= 0.5 ms, p99 <= 2 ms at 1,000 req/s)"
if [ -n "$fixed_rate" ]; then
  echo "   $wrk_bin -t$THREADS -c$CONNECTIONS -d$DURATION -R1000 --latency"
  $wrk_bin -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -R1000 --latency -H "Authorization: Bearer $token" "$base/1/score"
else
  echo "   wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (closed loop: wrk has no fixed rate; compare Requests/sec with 1,000)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" "$base/1/score"
fi


# Plain wrk has no fixed rate, but a Lua delay() paces each connection: 2 connections each waiting 2 ms after a
# response send just under 1,000 requests/s (the delay is not counted in the latencies).
cat >"$work/paced.lua" <<LUA
delay = function() return 2 end
LUA
if [ -z "$fixed_rate" ]; then
  echo
  echo "== 1b. cached GET /risk/{id}/score paced near 1,000 req/s (2 connections x one request per 2 ms + service time)"
  echo "   wrk -t2 -c2 -d$DURATION --latency -s paced.lua"
  wrk -t2 -c2 -d"$DURATION" --latency -s "$work/paced.lua" -H "Authorization: Bearer $token" "$base/1/score"
fi

echo
echo "== 2. uncached POST /risk/{id}/recalculate over $DRIVERS drivers (target p99 <= 20 ms at 100 req/s)"
if [ -n "$fixed_rate" ]; then
  echo "   $wrk_bin -t1 -c4 -d$DURATION -R100 --latency -s recalculate.lua"
  $wrk_bin -t1 -c4 -d"$DURATION" -R100 --latency -s "$work/recalculate.lua" "http://127.0.0.1:$PORT"
else
  echo "   wrk -t1 -c1 -d$DURATION --latency -s recalculate.lua (one connection, back to back: latency = service time)"
  wrk -t1 -c1 -d"$DURATION" --latency -s "$work/recalculate.lua" "http://127.0.0.1:$PORT"
fi
