#!/usr/bin/env bash
# `telematics ingest` (events and trips) against `psql \copy` of the same events alone, rows per second.
#
#   scripts/perf/ingest-vs-psql.sh [DAYS=250] [ROUNDS=3]
#
# Starts its own PostgreSQL cluster (.pg/perf-ingest-psql, fresh each run), simulates one driver for DAYS days
# (`telematics synth` from 2026-03-16, so at most until today: 250 days ≈ 620,000 events over 9 monthly partitions), ingests it
# once to create the partitions, and exports the stored rows as CSV for psql. Each round then empties the events
# and trips (TRUNCATE: the same, now empty, partitions) before each command and times both, alternating which goes
# first. Per round: rows/s of each and their ratio; at the end the median ratio of the rounds. The ingest is timed as a
# user runs it (the tool published by scripts/publish-cli.sh), process start included; psql copies into the same table
# through the same partition routing.
# Target (issue #16): median ratio ≥ 1.2 on a quiet 2-core machine with PostgreSQL on it.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
days=${1:-250}
rounds=${2:-3}
# Extra options for `telematics ingest`, e.g. INGEST_ARGS="--writers 1" to compare.
read -r -a ingest_args <<<"${INGEST_ARGS:-}"

. scripts/perf/host-lib.sh
perf_init ingest-vs-psql
work=$PERF_WORK
perf_start_cluster perf-ingest-psql fresh
# The tool as it is installed (scripts/publish-cli.sh: ReadyToRun), not a development build that starts in the JIT.
cli=(dotnet "$(scripts/publish-cli.sh "$work/cli")")

psql=$(command -v psql || true)
if [ -z "$psql" ]; then
  psql=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
fi
[ -x "$psql" ] || { echo "ingest-vs-psql: psql not found (Debian package postgresql-client)" >&2; exit 1; }

# psql takes the cluster's address from the connection string scripts/pg.sh prints.
field() { tr ';' '\n' <<<"$PERF_PG" | sed -n "s/^$1=//p"; }
export PGHOST=$(field Host) PGPORT=$(field Port) PGUSER=$(field Username) PGPASSWORD=$(field Password) PGDATABASE=$(field Database)
sql() { "$psql" -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }

"${cli[@]}" migrate --connection "$PERF_PG" >/dev/null
# No autovacuum on this throw-away cluster: an ANALYZE of the partitions starting inside one timed command and not the
# other moved single rounds by up to 1.4 s. Both commands insert the same rows into the same table either way.
sql "ALTER SYSTEM SET autovacuum = off" >/dev/null
sql "SELECT pg_reload_conf()" >/dev/null
"${cli[@]}" synth --drivers 1 --days "$days" --seed 16 --output "$work/synth" >/dev/null
input="$work/synth/D000000.csv"
driver=$("${cli[@]}" drivers create --external-ref perf-ingest --name "Ingest perf" --connection "$PERF_PG" | grep -oE '[0-9]+' | tail -1)

# First ingest: creates the monthly partitions both commands then write into, and gives psql its rows.
"${cli[@]}" ingest --input "$input" --driver "$driver" --tz UTC --connection "$PERF_PG" >/dev/null
columns="driver_id, event_id, ts, latitude_deg, longitude_deg, speed_mps, heading_deg, long_accel_mps2, lat_accel_mps2, gps_accuracy_m, speed_limit_mps, road_class, flags"
sql "\\copy (SELECT $columns FROM telematics_events WHERE driver_id = $driver) TO '$work/events.csv' WITH (FORMAT csv)"
rows=$(wc -l <"$work/events.csv")
partitions=$(sql "SELECT count(*) FROM pg_inherits WHERE inhparent = 'telematics_events'::regclass")
echo "rows: $rows events of one driver, $partitions partitions (DEFAULT included); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# A checkpoint after emptying: neither command pays for the WAL of the one before it.
empty() { sql "TRUNCATE telematics_events, trips CASCADE" >/dev/null; sql "CHECKPOINT" >/dev/null; }
now() { date +%s.%N; }
time_ingest() {
  empty
  local start; start=$(now)
  "${cli[@]}" ingest --input "$input" --driver "$driver" --tz UTC "${ingest_args[@]}" --connection "$PERF_PG" >"$work/ingest.out"
  local end; end=$(now)
  [ "$(sql "SELECT count(*) FROM telematics_events WHERE driver_id = $driver")" = "$rows" ] \
    || { echo "ingest-vs-psql: ingest stored a different number of rows" >&2; cat "$work/ingest.out" >&2; exit 1; }
  echo "$end - $start" | bc -l
}
time_psql() {
  empty
  local start; start=$(now)
  sql "\\copy telematics_events ($columns) FROM '$work/events.csv' WITH (FORMAT csv)"
  local end; end=$(now)
  echo "$end - $start" | bc -l
}

ratios=()
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then ingest_s=$(time_ingest); psql_s=$(time_psql); else psql_s=$(time_psql); ingest_s=$(time_ingest); fi
  ratio=$(echo "$psql_s / $ingest_s" | bc -l)
  ratios+=("$ratio")
  printf 'round %d: telematics ingest %.0f rows/s (%.2f s, events + %s trips), psql \\copy %.0f rows/s (%.2f s): ratio %.2f\n' \
    "$round" "$(echo "$rows / $ingest_s" | bc -l)" "$ingest_s" "$(grep -oE 'trips [0-9]+' "$work/ingest.out" | grep -oE '[0-9]+')" \
    "$(echo "$rows / $psql_s" | bc -l)" "$psql_s" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
printf 'median ratio (ingest rows/s ÷ psql rows/s) over %d rounds: %.2f (target ≥ 1.2); load average %s\n' "$rounds" "$median" "$(cut -d' ' -f1-3 /proc/loadavg)"
