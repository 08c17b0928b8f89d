#!/usr/bin/env bash
# Where the streamed ingest's database time goes (issue #19): runs the same workload as scripts/perf/stream-ingest.sh on a
# private PostgreSQL with pg_stat_statements loaded, then prints each kind of statement's calls, total and mean time.
# Statements' time includes waiting for locks and for a CPU, so on a busy machine it says where sessions wait, not only
# where they work. The merge statements name a temporary table whose id changes per upload, so they are summed by kind.
#
#   scripts/perf/stream-ingest-profile.sh [DRIVERS=1000] [TRIPS=2] [TRIP_SECONDS=500] [WORKERS=2] [PARTITIONS=16] [BATCH=250]
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

. scripts/perf/host-lib.sh
perf_init stream-ingest-profile
trap 'scripts/nats.sh destroy perf-profile >/dev/null 2>&1 || true; perf_cleanup' EXIT
perf_start_cluster perf-profile fresh
psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
[ -x "$psql" ] || { echo "stream-ingest-profile: psql not found (Debian package postgresql-client)" >&2; exit 1; }
field() { tr ';' '\n' <<<"$PERF_PG" | sed -n "s/^$1=//p"; }
export PGHOST=$(field Host) PGPORT=$(field Port) PGUSER=$(field Username) PGPASSWORD=$(field Password) PGDATABASE=postgres
sql() { "$psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

sql -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
scripts/pg.sh stop perf-profile >/dev/null
scripts/pg.sh start perf-profile >/dev/null
# Known only once the library is loaded; room for every merge statement (each names its own temporary table).
sql -c "ALTER SYSTEM SET pg_stat_statements.max = 20000"
scripts/pg.sh stop perf-profile >/dev/null
scripts/pg.sh start perf-profile >/dev/null
sql -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"

scripts/nats.sh destroy perf-profile >/dev/null 2>&1 || true
nats=$(scripts/nats.sh start perf-profile)
perf_build benchmarks/Telematics.StreamPerf

echo "command: scripts/perf/stream-ingest-profile.sh $*"
echo "machine: $(nproc) cores; load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
sql -At -c "SELECT pg_stat_statements_reset()" >/dev/null
dotnet benchmarks/Telematics.StreamPerf/bin/Release/net10.0/Telematics.StreamPerf.dll \
  "$PERF_PG" "$nats" "${1:-1000}" "${2:-2}" "${3:-500}" "${4:-2}" "${5:-16}" "${6:-250}" 0
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "database time by statement kind (both runs, direct and streamed):"
sql -c "
WITH kinds AS (
  SELECT CASE
           WHEN query LIKE 'INSERT INTO telematics_events %' THEN 'merge staged events into telematics_events'
           WHEN query LIKE 'COPY telematics_events_upload%' THEN 'COPY events into the staging table'
           WHEN query LIKE 'COPY telematics_events (%' THEN 'COPY a one-chunk upload into telematics_events'
           WHEN query LIKE 'SAVEPOINT%' OR query LIKE 'RELEASE%' OR query LIKE 'ROLLBACK TO%' THEN 'savepoints around that COPY'
           WHEN query LIKE 'CREATE TEMP TABLE%' THEN 'create the staging table'
           WHEN query LIKE 'INSERT INTO audit_log%' THEN 'append the audit row (waits for the chain head)'
           WHEN query LIKE 'COPY (SELECT event_id%' THEN 'read a continued trip''s events (replay)'
           WHEN query LIKE 'SELECT max(ts), max(ts) FILTER%' THEN 'find the untripped tail'
           WHEN query LIKE 'INSERT INTO trips%' THEN 'insert trips'
           WHEN query LIKE 'INSERT INTO ingest_batches%' THEN 'claim the batch id'
           WHEN query LIKE 'SELECT pg_advisory_xact_lock%' THEN 'partition lock (new months)'
           WHEN query LIKE 'SELECT t.trip_id%' THEN 'read the latest trip'
           WHEN query LIKE '%FOR NO KEY UPDATE%' THEN 'lock the driver'
           ELSE 'other' END AS kind,
         calls, total_exec_time
  FROM pg_stat_statements WHERE dbid IN (SELECT oid FROM pg_database WHERE datname LIKE 'stream_perf_%'))
SELECT kind, sum(calls) AS calls, round(sum(total_exec_time)::numeric / 1000, 1) AS total_s,
       round((sum(total_exec_time) / sum(calls))::numeric, 2) AS mean_ms
FROM kinds GROUP BY kind ORDER BY sum(total_exec_time) DESC"
echo "the costliest statements of kind 'other':"
sql -c "SELECT calls, round(total_exec_time::numeric / 1000, 1) AS total_s, round(mean_exec_time::numeric, 2) AS mean_ms,
               left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS statement
        FROM pg_stat_statements WHERE dbid IN (SELECT oid FROM pg_database WHERE datname LIKE 'stream_perf_%')
          AND query NOT LIKE 'INSERT INTO telematics_events %' AND query NOT LIKE 'COPY %' AND query NOT LIKE 'CREATE TEMP%'
          AND query NOT LIKE 'INSERT INTO audit_log%' AND query NOT LIKE 'SELECT max(ts)%' AND query NOT LIKE 'INSERT INTO trips%'
          AND query NOT LIKE 'INSERT INTO ingest_batches%' AND query NOT LIKE 'SELECT pg_advisory_xact_lock%'
          AND query NOT LIKE 'SELECT t.trip_id%' AND query NOT LIKE '%FOR NO KEY UPDATE%'
        ORDER BY total_exec_time DESC LIMIT 15"
