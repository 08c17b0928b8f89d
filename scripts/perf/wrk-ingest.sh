#!/usr/bin/env bash
# CSV ingest throughput through POST /api/v1/telematics/events, measured with wrk on loopback.
#
#   scripts/perf/wrk-ingest.sh [EVENTS_PER_BODY=100000] [DURATION_S=30] [CONNECTIONS=2]
#
# Starts its own PostgreSQL cluster (.pg/perf-ingest, fresh each run) and a Release host on a free port,
# registers enough drivers that every request stores new events (one fresh driver per request), POSTs a
# CSV body of EVENTS_PER_BODY events (1 Hz driving, a trip every 30 min) for DURATION_S seconds, prints
# events/s, and stops everything. The ingest rate and concurrency limits are lifted for the run (RateLimits__Ingest__PermitLimit,
# RateLimits__IngestConcurrency__*): every connection uploads with the one admin token.
# Target (issue #7): at least 150,000 events/s.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
events=${1:-100000}
duration=${2:-30}
connections=${3:-2}

. scripts/perf/host-lib.sh
perf_init wrk-ingest
work=$PERF_WORK
perf_require_wrk
perf_start_cluster perf-ingest fresh
port=$(perf_free_port 5280 5380)
url="http://127.0.0.1:$port"

perf_build_host
perf_start_host "$url" RateLimits__Ingest__PermitLimit=100000 RateLimits__IngestConcurrency__PerClient=256 RateLimits__IngestConcurrency__Total=256
token=$(perf_token)

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
