#!/usr/bin/env bash
# CSV ingest throughput through POST /api/v1/telematics/events, measured with wrk on loopback.
#
#   scripts/perf/wrk-ingest.sh [EVENTS_PER_BODY=100000] [DURATION_S=30] [CONNECTIONS=2]
#
# Starts its own PostgreSQL cluster (.pg/perf-ingest, fresh each run) and a Release host on a free port,
# registers enough drivers that every request stores new events (one fresh driver per request), POSTs a
# CSV body of EVENTS_PER_BODY events (1 Hz driving, a trip every 30 min) for DURATION_S seconds, prints
# events/s, and stops everything. The ingest rate limit is lifted for the run (RateLimits__Ingest__PermitLimit).
# Target (issue #7): at least 150,000 events/s.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
events=${1:-100000}
duration=${2:-30}
connections=${3:-2}

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is missing; installing the Debian package…"
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi

work=$(mktemp -d)
host_pid=""
cleanup() {
  if [ -n "$host_pid" ] && kill -0 "$host_pid" 2>/dev/null; then
    kill -TERM "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
  fi
  scripts/pg.sh destroy perf-ingest >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

scripts/pg.sh destroy perf-ingest >/dev/null 2>&1 || true
scripts/pg.sh start perf-ingest >/dev/null
pg=$(scripts/pg.sh url perf-ingest)

port=""
for candidate in $(seq 5280 5380); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
url="http://127.0.0.1:$port"

dotnet build samples/Telematics.Api -c Release -nologo -clp:NoSummary -v:q
ConnectionStrings__Telematics="$pg" \
  ASPNETCORE_ENVIRONMENT=Development \
  Auth__SigningKey="$(head -c 48 /dev/urandom | base64)" \
  RateLimits__Ingest__PermitLimit=100000 \
  Logging__LogLevel__Default=Warning \
  dotnet samples/Telematics.Api/bin/Release/net10.0/Telematics.Api.dll --urls "$url" >"$work/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 240); do
  if curl -fsS "$url/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$host_pid" 2>/dev/null || { cat "$work/host.log" >&2; echo "the host exited during start-up" >&2; exit 1; }
  sleep 0.5
done

token=$(curl -fsS -X POST "$url/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"subject":"perf","role":"admin"}' | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')

# Enough drivers for every request of the run to go to a fresh one (an upper bound of 2 requests/s per connection… ×4).
driver_count=$(( duration * connections * 8 ))
drivers=""
for i in $(seq 1 "$driver_count"); do
  id=$(curl -fsS -X POST "$url/api/v1/drivers" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"externalRef\":\"perf-$i\",\"displayName\":\"Perf $i\"}" | sed -n 's/.*"driverId":\([0-9]*\).*/\1/p')
  drivers="$drivers${drivers:+,}$id"
done

# 1 Hz driving east at 15 m/s from 2026-03-02T07:00Z, a 10-minute stop after every 30 minutes.
awk -v n="$events" 'BEGIN {
  print "timestamp,lat,lon,speed_mps,heading_deg,gps_accuracy_m,event_id";
  t = 1772434800000; lon = -49.27;
  for (i = 1; i <= n; i++) {
    printf "%d,-25.4,%.7f,15,90,4,%d\n", t, lon, i;
    t += 1000; lon += 0.0001486;
    if (i % 1800 == 0) { t += 600000; lon = -49.27 }
  }
}' >"$work/body.csv"
echo "body: $events events, $(du -h "$work/body.csv" | cut -f1); $driver_count drivers; wrk -t$connections -c$connections -d${duration}s"

WRK_BODY_FILE="$work/body.csv" WRK_EVENTS="$events" WRK_TOKEN="$token" WRK_DRIVERS="$drivers" \
  wrk -t"$connections" -c"$connections" -d"${duration}s" --timeout 60s -s scripts/perf/wrk-ingest.lua "$url"
