#!/usr/bin/env bash
# Outbox relay throughput (issue #19, figures): EVENTS domain events wait in the outbox of a fresh book (written by SQL,
# each a RiskScoreCalculated of the documented shape); one host with NATS configured relays them to a private JetStream
# node (scripts/nats.sh). Prints the relay's events/s (from the first event gone to an empty outbox) and checks that the
# stream holds exactly EVENTS messages. Everything runs on loopback and is removed at the end.
# Usage: scripts/perf/outbox-relay.sh [EVENTS] [BATCH]   (default 200000 events, the relay's default batch of 2000; env PORT=5089)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-200000}
BATCH=${2:-2000}
PORT=${PORT:-5089}
CLUSTER=perf-outbox
NATS_NAME=perf-outbox
. scripts/perf/host-lib.sh
perf_init outbox-relay
trap 'scripts/nats.sh destroy "$NATS_NAME" >/dev/null 2>&1 || true; perf_cleanup' EXIT

echo "== building (Release)"
perf_build_host
perf_build samples/Telematics.Cli

echo "== PostgreSQL cluster $CLUSTER (fresh), $EVENTS events in the outbox"
perf_start_cluster "$CLUSTER" fresh
command -v psql >/dev/null 2>&1 || PATH="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r | head -1):$PATH"
sql() {
  PGPASSWORD=$(sed -E 's/.*Password=([^;]+).*/\1/' <<<"$PERF_PG") psql -h 127.0.0.1 -p "$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$PERF_PG")" \
    -U "$(sed -E 's/.*Username=([^;]+).*/\1/' <<<"$PERF_PG")" -d "$(sed -E 's/.*Database=([^;]+).*/\1/' <<<"$PERF_PG")" -v ON_ERROR_STOP=1 -tAq "$@"
}
dotnet samples/Telematics.Cli/bin/Release/net10.0/telematics.dll migrate --connection "$PERF_PG" >/dev/null
sql <<SQL
INSERT INTO domain_event_outbox (event_id, event_type, subject, occurred_at, data)
SELECT 'score-' || g, 'RiskScoreCalculated', (g % 10000 + 1)::text, now(),
       jsonb_build_object('driver_id', g % 10000 + 1, 'score_id', g, 'score', 37.5214, 'category', 'below_average',
                          'model', 'telematics-frequency', 'model_version', '2.0.0',
                          'period_start', '2026-11-05T00:00:00Z', 'period_end', '2026-12-05T00:00:00Z')
FROM generate_series(1, $EVENTS) g;
ANALYZE domain_event_outbox;
SQL

echo "== NATS JetStream node $NATS_NAME"
nats_url=$(scripts/nats.sh start "$NATS_NAME")
monitor=$(cat ".nats/$NATS_NAME/node1/monitor_port")

# The outbox is sampled every 100 ms from before the host starts: the relay begins as soon as the host does.
samples="$PERF_WORK/samples"
(
  while true; do
    count=$(sql -c "SELECT count(*) FROM domain_event_outbox")
    echo "$(date +%s.%N) $count" >>"$samples"
    [ "$count" = 0 ] && break
    sleep 0.1
  done
) &
sampler=$!

echo "== host on 127.0.0.1:$PORT relaying"
perf_start_host "http://127.0.0.1:$PORT" ConnectionStrings__Nats="$nats_url" Nats__SubjectPrefix=perf Nats__Relay__BatchSize="$BATCH"
wait "$sampler"

stored=$(curl -fsS "http://127.0.0.1:$monitor/jsz" | grep -o '"messages": *[0-9]*' | head -1 | tr -dc '0-9')
awk -v events="$EVENTS" -v batch="$BATCH" -v stored="$stored" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
  $2 < events && t0 == "" { t0 = $1; c0 = $2 }
  $2 == 0 { t1 = $1 }
  END {
    printf "relayed %d events in %.2f s after the first left the outbox: %.0f events/s (batches of %d; stream holds %d messages; load average %s)\n",
      c0, t1 - t0, c0 / (t1 - t0), batch, stored, load
    if (stored != events) { print "MISMATCH: the stream does not hold every event once" > "/dev/stderr"; exit 1 }
  }' "$samples"
