#!/usr/bin/env bash
# How long erasing one driver takes in a book of about 1 M events and 100,000 trips, with the foreign-key indexes and
# without them (issue #16, item 6).
#
#   scripts/perf/delete-driver.sh [ROUNDS=3]
#
# Starts its own PostgreSQL cluster (.pg/perf-delete, fresh each run), seeds 17 synthetic drivers over 30 days
# (`telematics seed`: about 1 M events and their trips), adds 1,000 drivers with 100 trips each (copies of a seeded trip,
# so that trips hold about 100,000 rows), gives every driver a vehicle that its trips name, scores everyone
# (`telematics batch-score --all`: a score and a premium each) and copies the premiums until there are about 100,000
# (the premium history of a book priced for a while). Each round then erases one seeded driver the way DriverRepository.EraseAsync does (its events, then the driver
# row, whose deletion cascades to trips, vehicles, scores and premiums) inside a transaction that is rolled back, timed
# by psql, once with the schema's indexes and once with the foreign-key indexes of migration 0012 dropped in the same
# transaction.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rounds=${1:-3}

. scripts/perf/host-lib.sh
perf_init delete-driver
perf_start_cluster perf-delete fresh
perf_build samples/Telematics.Cli
cli=(dotnet samples/Telematics.Cli/bin/Release/net10.0/telematics.dll)

psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
[ -x "$psql" ] || { echo "delete-driver: psql not found (Debian package postgresql-client)" >&2; exit 1; }
field() { tr ';' '\n' <<<"$PERF_PG" | sed -n "s/^$1=//p"; }
export PGHOST=$(field Host) PGPORT=$(field Port) PGUSER=$(field Username) PGPASSWORD=$(field Password) PGDATABASE=$(field Database)
sql() { "$psql" -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }

"${cli[@]}" migrate --connection "$PERF_PG" >/dev/null
"${cli[@]}" seed --drivers 17 --days 30 --seed 16 --connection "$PERF_PG" >/dev/null
sql "INSERT INTO drivers (external_ref, display_name, created_at, updated_at)
     SELECT 'perf-delete-' || g, 'Perf ' || g, now(), now() FROM generate_series(1, 1000) g" >/dev/null
sql "INSERT INTO trips (driver_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, rapid_accel_count,
                        harsh_corner_count, feature_schema, feature_version, features, state)
     SELECT d.driver_id, t.started_at - make_interval(mins => n), t.ended_at - make_interval(mins => n), t.distance_km,
            t.sample_count, t.harsh_brake_count, t.rapid_accel_count, t.harsh_corner_count, t.feature_schema,
            t.feature_version, t.features, t.state
     FROM drivers d CROSS JOIN generate_series(1, 100) n
     CROSS JOIN LATERAL (SELECT * FROM trips ORDER BY trip_id LIMIT 1) t
     WHERE d.external_ref LIKE 'perf-delete-%'" >/dev/null
sql "INSERT INTO vehicles (driver_id, description, created_at) SELECT driver_id, 'perf', now() FROM drivers" >/dev/null
sql "UPDATE trips t SET vehicle_id = v.vehicle_id FROM vehicles v WHERE v.driver_id = t.driver_id" >/dev/null
"${cli[@]}" batch-score --all --connection "$PERF_PG" >/dev/null
# Every column but the identity, so that the copy follows the schema.
premium_columns=$(sql "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
                       WHERE table_name = 'premiums' AND is_identity = 'NO'")
sql "INSERT INTO premiums ($premium_columns) SELECT $premium_columns FROM premiums CROSS JOIN generate_series(1, 99)" >/dev/null
sql "VACUUM ANALYZE" >/dev/null

victim=$(sql "SELECT driver_id FROM drivers WHERE external_ref NOT LIKE 'perf-delete-%' ORDER BY driver_id LIMIT 1")
echo "book: $(sql "SELECT count(*) FROM telematics_events") events, $(sql "SELECT count(*) FROM trips") trips, $(sql "SELECT count(*) FROM drivers") drivers, $(sql "SELECT count(*) FROM risk_scores") scores, $(sql "SELECT count(*) FROM premiums") premiums"
echo "erased driver $victim: $(sql "SELECT count(*) FROM telematics_events WHERE driver_id = $victim") events, $(sql "SELECT count(*) FROM trips WHERE driver_id = $victim") trips, $(sql "SELECT count(*) FROM premiums WHERE driver_id = $victim") premiums; load average $(cut -d' ' -f1-3 /proc/loadavg)"

fk_indexes=$(sql "SELECT string_agg(format('%I', indexrelid::regclass::text), ', ')
                  FROM pg_index WHERE indexrelid::regclass::text IN ('trips_vehicle_idx', 'premiums_score_idx')")
erase() {  # $1: statements run first in the transaction; prints the erase's milliseconds (events + driver row)
  "$psql" -X -q -v ON_ERROR_STOP=1 -At <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | awk '{ s += $1 } END { printf "%.1f", s }'
BEGIN;
$1
\timing on
DELETE FROM telematics_events WHERE driver_id = $victim;
DELETE FROM drivers WHERE driver_id = $victim;
\timing off
ROLLBACK;
SQL
}
for round in $(seq 1 "$rounds"); do
  with=$(erase "")
  without=$(erase "${fk_indexes:+DROP INDEX $fk_indexes;}")
  echo "round $round: erase with the foreign-key indexes $with ms, without ($fk_indexes) $without ms"
done
