#!/usr/bin/env bash
# Cached reads across two hosts sharing Redis (issue #19, figures). Starts a private PostgreSQL cluster and Redis server,
# seeds DRIVERS drivers with three days of driving (telematics seed) and batch-scores them, starts host A and host B (Release, one signing
# key, one Redis prefix) and then:
#   1. wrk on host A and on host B at the same time, each cached GET /api/v1/risk/{id}/score over all drivers;
#   2. ROUNDS times: recalculate a driver on A and poll B until it serves the new score; prints the stale time p50/max.
# Everything is on loopback and stopped at the end. Usage: scripts/perf/wrk-two-hosts.sh
#   (env: DRIVERS=1000 DURATION=20s CONNECTIONS=8 ROUNDS=50)
set -euo pipefail
cd "$(dirname "$0")/../.."
DRIVERS=${DRIVERS:-1000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-8}
ROUNDS=${ROUNDS:-50}
CLUSTER=perf-two-hosts
REDIS_NAME=perf-two-hosts
. scripts/perf/host-lib.sh
perf_init wrk-two-hosts
work=$PERF_WORK
host_b_pid=""
finish() {
  if [ -n "$host_b_pid" ]; then kill -TERM "$host_b_pid" 2>/dev/null || true; wait "$host_b_pid" 2>/dev/null || true; fi
  scripts/redis.sh destroy "$REDIS_NAME" >/dev/null 2>&1 || true
  perf_cleanup
}
trap finish EXIT
perf_require_wrk

echo "== building (Release)"
perf_build_host
perf_build samples/Telematics.Cli
cli_dll=samples/Telematics.Cli/bin/Release/net10.0/telematics.dll

echo "== PostgreSQL cluster $CLUSTER (fresh), Redis $REDIS_NAME"
perf_start_cluster "$CLUSTER" fresh
cs=$PERF_PG
redis=$(scripts/redis.sh start "$REDIS_NAME")
dotnet "$cli_dll" migrate --connection "$cs" >/dev/null
echo "== seeding $DRIVERS drivers x 3 days (telematics seed: the ingest code path, so trips keep their state)"
dotnet "$cli_dll" seed --drivers "$DRIVERS" --days 3 --connection "$cs" >/dev/null
dotnet "$cli_dll" batch-score --all --period-days 30 --chunk 1000 --run-id perf-seed --connection "$cs" >/dev/null

# One signing key for both hosts: a token issued by A is valid on B.
key=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
port_a=$(perf_free_port 5380 5480)
echo "== host A on 127.0.0.1:$port_a"
perf_start_host "http://127.0.0.1:$port_a" Auth__SigningKey="$key" ConnectionStrings__Redis="$redis" Redis__Prefix=perf
url_a=$PERF_URL
token=$(perf_token)
port_b=$(perf_free_port $((port_a + 1)) 5580)
url_b="http://127.0.0.1:$port_b"
echo "== host B on 127.0.0.1:$port_b"
env ConnectionStrings__Telematics="$cs" ASPNETCORE_ENVIRONMENT=Development Auth__SigningKey="$key" Logging__LogLevel__Default=Warning \
  ConnectionStrings__Redis="$redis" Redis__Prefix=perf dotnet "$PERF_API_DLL" --urls "$url_b" >"$work/host-b.log" 2>&1 &
host_b_pid=$!
for _ in $(seq 1 240); do curl -fs "$url_b/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$url_b/health/ready" >/dev/null || { echo "host B did not start:" >&2; cat "$work/host-b.log" >&2; exit 1; }

cat >"$work/scores.lua" <<LUA
local n = 0
request = function()
  n = n % $DRIVERS + 1
  return wrk.format("GET", "/api/v1/risk/" .. n .. "/score", { ["Authorization"] = "Bearer $token" })
end
LUA
# Warm both caches over every driver once.
for base in "$url_a" "$url_b"; do wrk -t1 -c4 -d3s -s "$work/scores.lua" "$base" >/dev/null; done

echo
echo "== 1. cached GET /risk/{id}/score on both hosts at once ($DRIVERS drivers, wrk -t1 -c$CONNECTIONS -d$DURATION each)"
wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/scores.lua" "$url_a" >"$work/wrk-a.txt" &
wrk_a=$!
wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/scores.lua" "$url_b" >"$work/wrk-b.txt"
wait "$wrk_a"
for host in a b; do
  echo "-- host ${host^^}"
  grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx" "$work/wrk-$host.txt" || true
done

echo
echo "== 2. recalculate on A, read on B: time until B serves the new score ($ROUNDS rounds)"
stale="$work/stale.txt"
for round in $(seq 1 "$ROUNDS"); do
  driver=$(( (round * 37) % DRIVERS + 1 ))
  curl -fs -H "Authorization: Bearer $token" "$url_b/api/v1/risk/$driver/score" >/dev/null   # cached on B
  new=$(curl -fs -X POST -H "Authorization: Bearer $token" "$url_a/api/v1/risk/$driver/recalculate?periodDays=30" \
    | grep -o '"scoreId":[0-9]*' | head -1 | cut -d: -f2)
  start=$(date +%s%N)
  while true; do
    seen=$(curl -fs -H "Authorization: Bearer $token" "$url_b/api/v1/risk/$driver/score" | grep -o '"scoreId":[0-9]*' | head -1 | cut -d: -f2)
    [ "$seen" = "$new" ] && break
    [ $(( ($(date +%s%N) - start) / 1000000 )) -gt 5000 ] && { echo "round $round: B still served score $seen after 5 s" >&2; break; }
  done
  echo $(( ($(date +%s%N) - start) / 1000000 )) >>"$stale"
done
sort -n "$stale" | awk '{ v[NR] = $1 } END { printf "stale on B after the recalculation answered: p50 %d ms, max %d ms (%d rounds; includes one GET round trip)\n", v[int((NR + 1) / 2)], v[NR], NR }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
