#!/usr/bin/env bash
# Streamed ingest (issue #19): sustained events/s from publish to stored with two ingest workers, beside the direct ingest
# of the same batches in the same run, and the publish-to-stored lag p50/p99.
#
#   scripts/perf/stream-ingest.sh [DRIVERS=1000] [TRIPS=2] [TRIP_SECONDS=500] [WORKERS=2] [PARTITIONS=16] [BATCH=250] [RATE=0]
#
# Defaults: 1,000 drivers × 2 trips × 500 s at 1 Hz = 1,000,000 events in batches of 250 (a phone uploading every four
# minutes of driving), cut mid-trip so that the ingest continues trips across batches. Starts its own PostgreSQL
# (.pg/perf-stream, fresh) and NATS (.nats/perf-stream, fresh), both destroyed at the end. First the host is started and
# the same batches are POSTed to its upload endpoint as CSV (the "direct over HTTP" figure; the host is stopped before the
# rest). The in-process direct figure stores the
# batches through EventStreamIngestor with 16 drivers at once (the stream's own concurrency: one batch in flight per
# partition); the streamed one publishes them (32 publishers, each driver's batches in order) while the workers store
# them, and stops the clock at the last commit. RATE (events/s, 0 = unpaced) holds the publishers to a pace: unpaced, the
# lag is mostly queueing behind the workers; paced below their capacity, it is a batch's own latency. Lag: from the batch's envelope time (set at publish) to its commit,
# measured by the workers (meter Telematics.Streaming, telematics.stream.lag). The "cpu" lines give the CPU seconds
# PostgreSQL, NATS and the tool's own process (workers and publishers) spent per phase: on 2 cores, their sum per event
# bounds the throughput. Before either clock starts, 50 more drivers' batches go through the same path (warm-up), so the
# figures are the sustained rate of code the JIT has optimised, not a process's first seconds. Both databases are
# checked for every event and the same trip count. Target (issue #19): ≥ 200,000 events/s streamed. The "transactions" line
# says how many batches the workers stored per transaction (StreamIngestOptions.MaxBatchesPerCommit, default 16);
# STREAM_PERF_MAX_BATCHES_PER_COMMIT and STREAM_PERF_CONCURRENT_COMMITS set the workers' MaxBatchesPerCommit and
# ConcurrentCommits (default 2) for comparisons in the same conditions.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
drivers=${1:-1000}
trips=${2:-2}
trip_seconds=${3:-500}
workers=${4:-2}
partitions=${5:-16}
batch=${6:-250}
rate=${7:-0}

. scripts/perf/host-lib.sh
perf_init stream-ingest
trap 'scripts/nats.sh destroy perf-stream >/dev/null 2>&1 || true; perf_cleanup' EXIT
perf_start_cluster perf-stream fresh
scripts/nats.sh destroy perf-stream >/dev/null 2>&1 || true
nats=$(scripts/nats.sh start perf-stream)
# The servers' pids let the tool report the CPU seconds each side spends per phase (its "cpu" lines).
pg_dir=$(cat .pg/perf-stream.location 2>/dev/null || echo .pg/perf-stream)
STREAM_PERF_PG_PID=$(head -1 "$pg_dir/data/postmaster.pid" 2>/dev/null || true)
STREAM_PERF_NATS_PID=$(cat .nats/perf-stream/node1/nats.pid 2>/dev/null || true)
export STREAM_PERF_PG_PID STREAM_PERF_NATS_PID
perf_build benchmarks/Telematics.StreamPerf
perf_build_host

echo "command: scripts/perf/stream-ingest.sh $drivers $trips $trip_seconds $workers $partitions $batch $rate"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"

# The direct HTTP figure first, on the host's own database, with the ingest rate limit lifted; the host is stopped before
# the other phases, so that it takes no CPU from them.
perf_start_host "http://127.0.0.1:$(perf_free_port 5400 5499)" RateLimits__Ingest__PermitLimit=100000 RateLimits__IngestConcurrency__PerClient=256 RateLimits__IngestConcurrency__Total=256
STREAM_PERF_HTTP_URL=$PERF_URL STREAM_PERF_HTTP_TOKEN=$(perf_token) STREAM_PERF_HOST_PID=$PERF_HOST_PID \
  dotnet benchmarks/Telematics.StreamPerf/bin/Release/net10.0/Telematics.StreamPerf.dll \
  "$PERF_PG" "$nats" "$drivers" "$trips" "$trip_seconds" "$workers" "$partitions" "$batch" "$rate"
kill -TERM "$PERF_HOST_PID" && wait "$PERF_HOST_PID" 2>/dev/null || true
PERF_HOST_PID=

dotnet benchmarks/Telematics.StreamPerf/bin/Release/net10.0/Telematics.StreamPerf.dll \
  "$PERF_PG" "$nats" "$drivers" "$trips" "$trip_seconds" "$workers" "$partitions" "$batch" "$rate"
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
