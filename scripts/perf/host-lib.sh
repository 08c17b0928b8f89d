# The host start-up shared by the wrk scripts in this folder; source it from a script run at the repository root
# (with `set -euo pipefail`), do not run it.
#
#   perf_init NAME                     names the error messages, makes the work folder PERF_WORK and sets the exit
#                                      trap that stops the host, ends the cluster and removes PERF_WORK
#   perf_require_wrk                   installs the Debian package wrk when neither wrk nor wrk2 is on PATH
#   perf_start_cluster CLUSTER [fresh] starts the scripts/pg.sh cluster CLUSTER and sets PERF_PG (its connection
#                                      string); with `fresh` the cluster is destroyed before and after the run,
#                                      else it is kept and only stopped at exit
#   perf_build PROJECT                 builds PROJECT in Release quietly; on failure prints the build log and exits
#   perf_build_host                    perf_build samples/Telematics.Api (the host run is PERF_API_DLL)
#   perf_free_port FIRST LAST          prints the first loopback port in FIRST..LAST that nothing listens on
#   perf_start_host URL [VAR=value…]   starts the Release host on URL against PERF_PG (Development, a random signing
#                                      key, warnings-only logs in PERF_WORK/host.log, plus the given settings) and
#                                      waits up to 120 s for /health/ready; exits with the log if it is not ready
#   perf_token                         prints an admin bearer token from the host's development token endpoint

. scripts/lib/loopback.sh  # port_in_use, free_port

PERF_NAME=perf
PERF_WORK=""
PERF_PG=""
PERF_URL=""
PERF_HOST_PID=""
PERF_CLUSTER=""
PERF_CLUSTER_END=stop
PERF_API_DLL=samples/Telematics.Api/bin/Release/net10.0/Telematics.Api.dll

perf_init() {
  PERF_NAME=$1
  PERF_WORK=$(mktemp -d)
  trap perf_cleanup EXIT
}

perf_cleanup() {
  if [ -n "$PERF_HOST_PID" ] && kill -0 "$PERF_HOST_PID" 2>/dev/null; then
    kill -TERM "$PERF_HOST_PID" 2>/dev/null || true
    wait "$PERF_HOST_PID" 2>/dev/null || true
  fi
  if [ -n "$PERF_CLUSTER" ]; then scripts/pg.sh "$PERF_CLUSTER_END" "$PERF_CLUSTER" >/dev/null 2>&1 || true; fi
  if [ -n "$PERF_WORK" ]; then rm -rf "$PERF_WORK"; fi
}

perf_require_wrk() {
  if command -v wrk >/dev/null 2>&1 || command -v wrk2 >/dev/null 2>&1; then return 0; fi
  echo "$PERF_NAME: installing wrk (Debian package wrk)" >&2
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
  $sudo apt-get install -y wrk >/dev/null 2>&1 \
    || { echo "$PERF_NAME: wrk is missing and could not be installed: apt-get install wrk" >&2; exit 1; }
}

perf_start_cluster() {
  PERF_CLUSTER=$1
  if [ "${2:-}" = fresh ]; then
    PERF_CLUSTER_END=destroy
    scripts/pg.sh destroy "$PERF_CLUSTER" >/dev/null 2>&1 || true
  fi
  scripts/pg.sh start "$PERF_CLUSTER" >/dev/null
  PERF_PG=$(scripts/pg.sh url "$PERF_CLUSTER")
}

perf_build() {
  dotnet build "$1" -c Release -nologo -v:q >"$PERF_WORK/build.log" 2>&1 \
    || { echo "$PERF_NAME: building $1 failed:" >&2; cat "$PERF_WORK/build.log" >&2; exit 1; }
}

perf_build_host() {
  perf_build samples/Telematics.Api
}

perf_free_port() {
  free_port "$1" "$2" || { echo "$PERF_NAME: no free loopback port in $1..$2" >&2; return 1; }
}

perf_start_host() {
  PERF_URL=$1
  shift
  env ConnectionStrings__Telematics="$PERF_PG" \
    ASPNETCORE_ENVIRONMENT=Development \
    Auth__SigningKey="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
    Logging__LogLevel__Default=Warning \
    "$@" \
    dotnet "$PERF_API_DLL" --urls "$PERF_URL" >"$PERF_WORK/host.log" 2>&1 &
  PERF_HOST_PID=$!
  local _
  for _ in $(seq 1 240); do
    if curl -fs "$PERF_URL/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$PERF_HOST_PID" 2>/dev/null; then
      echo "$PERF_NAME: the host exited during start-up; log:" >&2
      cat "$PERF_WORK/host.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "$PERF_NAME: host not ready after 120 s; log:" >&2
  cat "$PERF_WORK/host.log" >&2
  exit 1
}

perf_token() {
  curl -fsS -X POST "$PERF_URL/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d '{"subject":"perf","role":"admin"}' | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p'
}
