#!/usr/bin/env bash
# Builds everything and runs every test project against a real PostgreSQL.
#
# PostgreSQL: TELEMATICS_PG, when set, names an existing server (tests make and drop their own databases
# on it); otherwise scripts/pg.sh starts a private cluster for the run and stops it afterwards, whether the
# tests pass or not. Redis likewise: TELEMATICS_TEST_REDIS, else scripts/redis.sh (installed with apt-get if missing).
# Chromium for the dashboard tests: TELEMATICS_CHROMIUM, else scripts/chromium.sh (Debian's package, installed if missing).
# The last line printed is the total over all test projects: `N passed, N failed`.
#
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter "FullyQualifiedName~Trips". A full run (no arguments)
# ends with the benchmark regression gate (scripts/bench-gate.sh), about a minute; TELEMATICS_BENCH_GATE=0 skips it.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results=".testresults/$(date -u +%Y%m%dT%H%M%S)-$$"
mkdir -p "$results"

started_pg=false
started_redis=false
stop_pg() {
  if [ "$started_pg" = true ]; then
    scripts/pg.sh stop test || true
    started_pg=false
  fi
  if [ "$started_redis" = true ]; then
    scripts/redis.sh stop test || true
    started_redis=false
  fi
}
summarised=false
on_exit() {
  local code=$?
  stop_pg
  # A build or a server that could not start ends the run before any test: the last line still says so.
  if [ "$summarised" = false ]; then
    echo "test run stopped before its tests finished (see above)" >&2
    echo "0 passed, 1 failed, 0 skipped"
    [ "$code" -ne 0 ] || code=1
  fi
  exit "$code"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

echo "== build (Release)"
dotnet build Telematics.sln -c Release -nologo -clp:NoSummary -v:q

if [ -z "${TELEMATICS_PG:-}" ]; then
  echo "== PostgreSQL (private cluster .pg/test)"
  scripts/pg.sh start test >/dev/null
  started_pg=true
  TELEMATICS_PG=$(scripts/pg.sh url test)
  export TELEMATICS_PG
else
  echo "== PostgreSQL from TELEMATICS_PG"
fi

# Redis for the tests of several hosts: TELEMATICS_TEST_REDIS names an existing server, else a private one (.redis/test).
if [ -z "${TELEMATICS_TEST_REDIS:-}" ]; then
  echo "== Redis (private server .redis/test)"
  TELEMATICS_TEST_REDIS=$(scripts/redis.sh start test)
  started_redis=true
  export TELEMATICS_TEST_REDIS
else
  echo "== Redis from TELEMATICS_TEST_REDIS"
fi

# Headless Chromium for the dashboard's browser tests: TELEMATICS_CHROMIUM names one, else Debian's (installed if missing).
TELEMATICS_CHROMIUM=$(scripts/chromium.sh path)
export TELEMATICS_CHROMIUM
echo "== Chromium $TELEMATICS_CHROMIUM"

echo "== test"
status=0
dotnet test Telematics.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@" || status=$?

stop_pg

passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(value total); executed=$(value executed)
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

# The benchmark regression gate (benchmarks/gates.json) after a full run; a failed gate counts as one failed test.
# Skipped for a filtered run (extra arguments) or with TELEMATICS_BENCH_GATE=0.
if [ "$#" -eq 0 ] && [ "${TELEMATICS_BENCH_GATE:-1}" != 0 ]; then
  echo "== benchmark gate"
  if scripts/bench-gate.sh; then
    echo "benchmark gate: passed"
  else
    echo "benchmark gate: FAILED (see the lines above)"
    gate_failed=1
  fi
fi

if [ "$files" -eq 0 ]; then
  echo "no test results were written (the test run did not start)" >&2
  status=1
fi
failed=$((failed + ${gate_failed:-0}))
if [ "$failed" -gt 0 ] && [ "$status" -eq 0 ]; then status=1; fi

summarised=true
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
