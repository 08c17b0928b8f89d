#!/usr/bin/env bash
# Starts the reference host (samples/Telematics.Api) on a local PostgreSQL and prints its URL.
#
# PostgreSQL: TELEMATICS_PG, when set, names an existing server; otherwise scripts/pg.sh starts a private
# cluster (.pg/run) that keeps its data between runs. Ctrl-C stops the host and that cluster.
# TELEMATICS_PORT chooses the HTTP port (default: the first free one from 5080).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

started_pg=false
cleanup() {
  if [ -n "${host_pid:-}" ] && kill -0 "$host_pid" 2>/dev/null; then
    kill -TERM "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
  fi
  if [ "$started_pg" = true ]; then
    scripts/pg.sh stop run || true
    echo "stopped the host and PostgreSQL (.pg/run keeps the data for the next run)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${TELEMATICS_PG:-}" ]; then
  scripts/pg.sh start run >/dev/null
  started_pg=true
  TELEMATICS_PG=$(scripts/pg.sh url run)
  export TELEMATICS_PG
  echo "PostgreSQL: private cluster .pg/run ($(echo "$TELEMATICS_PG" | sed 's/Password=[^;]*/Password=…/'))"
fi

port=${TELEMATICS_PORT:-}
if [ -z "$port" ]; then
  for candidate in $(seq 5080 5180); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
  done
fi
url="http://127.0.0.1:$port"

echo "building the host…"
dotnet build samples/Telematics.Api -c Release -nologo -clp:NoSummary -v:q

ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
  dotnet run --project samples/Telematics.Api -c Release --no-build --no-launch-profile -- --urls "$url" &
host_pid=$!

for _ in $(seq 1 120); do
  if curl -fsS "$url/health/live" >/dev/null 2>&1; then break; fi
  kill -0 "$host_pid" 2>/dev/null || { echo "the host exited during start-up" >&2; exit 1; }
  sleep 0.5
done

cat <<MSG

Telematics reference host: $url
  health:  curl -s $url/health/ready
Press Ctrl-C to stop.
MSG
wait "$host_pid"
