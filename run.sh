#!/usr/bin/env bash
# Starts the reference host (samples/Telematics.Api) on a local PostgreSQL and prints its URL.
#
# PostgreSQL: TELEMATICS_PG, when set, names an existing server; otherwise scripts/pg.sh starts a private
# cluster (.pg/run) that keeps its data between runs. Ctrl-C stops the host and that cluster.
# TELEMATICS_PORT chooses the HTTP port (default: the first free one from 5080).
# TELEMATICS_MODEL chooses the model scored and served: shipped (default), rules, or a model directory.
#
# ./run.sh --cluster runs the book as a cluster on this machine: besides PostgreSQL, a NATS JetStream node
# (scripts/nats.sh, .nats/run; TELEMATICS_NATS names an existing one) and Redis (scripts/redis.sh, .redis/run;
# TELEMATICS_REDIS likewise), two hosts on two ports sharing them and one signing key, whose uploads go through the
# JetStream event stream (Ingest:Mode=stream), and one ingest worker (samples/Telematics.Worker) that stores them.
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

cluster=false
case "${1:-}" in
  --cluster) cluster=true ;;
  "") ;;
  *) echo "usage: ./run.sh [--cluster]" >&2; exit 2 ;;
esac

# curl asks the host whether it is up and for the demo tokens: installed where absent (as root, Debian), else named.
if ! command -v curl >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "curl not found; installing it with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl >&2 \
      || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl >&2; }
  fi
  command -v curl >/dev/null 2>&1 || { echo "run.sh needs curl (Debian/Ubuntu: sudo apt-get install curl)" >&2; exit 1; }
fi

started_pg=false
started_nats=false
started_redis=false
pids=()
cleanup() {
  local pid
  for pid in ${pids[@]+"${pids[@]}"}; do
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2>/dev/null || true; done
  if [ "$started_nats" = true ]; then scripts/nats.sh stop run || true; fi
  if [ "$started_redis" = true ]; then scripts/redis.sh stop run || true; fi
  if [ "$started_pg" = true ]; then
    scripts/pg.sh stop run || true
    echo "stopped the host and PostgreSQL (.pg/run keeps the data for the next run)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Least privilege on the private cluster: migrations run as telematics_owner, everything else (seed, batch-score, the
# host) as telematics_app, which cannot change the schema or rewrite the audit trail. A cluster migrated before the
# roles existed keeps running as the superuser (pg.sh says how to start over).
owner_pg=""
if [ -z "${TELEMATICS_PG:-}" ]; then
  scripts/pg.sh start run >/dev/null
  started_pg=true
  if scripts/pg.sh roles run; then
    owner_pg=$(scripts/pg.sh url run owner)
    TELEMATICS_PG=$(scripts/pg.sh url run app)
  else
    TELEMATICS_PG=$(scripts/pg.sh url run)
  fi
  export TELEMATICS_PG
  echo "PostgreSQL: private cluster .pg/run ($(echo "$TELEMATICS_PG" | sed 's/Password=[^;]*/Password=…/'))"
fi

. scripts/lib/loopback.sh  # free_port
port=${TELEMATICS_PORT:-$(free_port 5080 5180)}
url="http://127.0.0.1:$port"

# The cluster's services, and what the hosts (and the CLI's writes, for their domain events) are told of them.
cluster_env=()
if [ "$cluster" = true ]; then
  if [ -z "${TELEMATICS_NATS:-}" ]; then
    TELEMATICS_NATS=$(scripts/nats.sh start run)
    started_nats=true
    echo "NATS JetStream: private node .nats/run"
  fi
  if [ -z "${TELEMATICS_REDIS:-}" ]; then
    TELEMATICS_REDIS=$(scripts/redis.sh start run)
    started_redis=true
    echo "Redis: private server .redis/run"
  fi
  export TELEMATICS_NATS TELEMATICS_REDIS
  # One signing key for both hosts, made for this run: a token issued by one host is accepted by the other.
  cluster_env=(ConnectionStrings__Nats="$TELEMATICS_NATS" ConnectionStrings__Redis="$TELEMATICS_REDIS" Ingest__Mode=stream
    Auth__SigningKey="$(head -c 48 /dev/urandom | base64 | tr -d '\n')")
  port_b=$(free_port $((port + 1)) 5280)
  url_b="http://127.0.0.1:$port_b"
fi

# The model the demo serves, the same for batch-score and the host: shipped (default) = the trained model shipped
# with the SDK (telematics-frequency, a monotone Poisson GLM on telematics@2, ONNX); rules = the built-in rules model; or a
# model directory (<dir>/<name>/<version>/). The host reads it as Scoring:Model.
model=${TELEMATICS_MODEL:-shipped}
# The plan: with the shipped frequency model, the relativity plan (premium = base rate × the model's frequency
# relativity with credibility and caps); with the rules model or a directory, the score plan.
plan=ubi-standard-2027.json
case "$model" in
  shipped) model_args=(--shipped-model); plan=ubi-relativity-2027.json ;;
  rules) model_args=() ;;
  *) model_args=(--models "$model") ;;
esac
plan_args=(--plan "samples/Telematics.Cli/bin/Release/net10.0/pricing/$plan")

# Demo data (first run): migrate, then seed a synthetic population through the ingest code path of
# POST /telematics/events (in process). Seeding is idempotent: a later run finds every driver seeded and
# adds nothing; then batch-score them. TELEMATICS_SEED_DRIVERS / TELEMATICS_SEED_DAYS size it (default 100 drivers × 30 days,
# about 6.9 million events: 49 s measured on the 2-core dev box); TELEMATICS_SEED=0 skips it.
# The demo zone: the drivers live in Europe/Paris, matching the demo plan's French regions (FR-75…) and EUR prices; the
# simulator lays their trips out in Paris time. A population seeded before (in America/Chicago) keeps its zone and
# data; seed says so and adds nothing.
demo_zone=Europe/Paris
echo "building the command-line tool…"
dotnet build samples/Telematics.Cli -c Release -nologo -clp:NoSummary -v:q
telematics() { dotnet samples/Telematics.Cli/bin/Release/net10.0/telematics.dll "$@"; }
if [ -n "$owner_pg" ]; then
  TELEMATICS_PG=$owner_pg telematics migrate
  scripts/pg.sh grant run
else
  telematics migrate
fi
if [ "${TELEMATICS_SEED:-1}" != 0 ]; then
  telematics seed --drivers "${TELEMATICS_SEED_DRIVERS:-100}" --days "${TELEMATICS_SEED_DAYS:-30}" --time-zone "$demo_zone"
  # Score every driver over the last 30 days (scores + premiums + audit). The default run id is per day, so a
  # second start on the same day finds the run finished and writes nothing.
  telematics batch-score --all --period-days 30 ${model_args[@]+"${model_args[@]}"} "${plan_args[@]}"
  # Yesterday of one simulated driver as CSV, for the "new driver" curl walkthrough printed below: recent, so that the
  # dashboard's 30-day views change when it is uploaded.
  telematics synth --drivers 1 --days 1 --start "$(date -u -d yesterday +%F)" --tz "$demo_zone" --output .demo/new-driver >/dev/null
fi

echo "building the host…"
dotnet build samples/Telematics.Api -c Release -nologo -clp:NoSummary -v:q
if [ "$cluster" = true ]; then
  echo "building the ingest worker…"
  dotnet build samples/Telematics.Worker -c Release -nologo -clp:NoSummary -v:q
  # One worker stores what the hosts publish; run more of them anywhere, they share the stream's partitions.
  env ConnectionStrings__Telematics="$TELEMATICS_PG" ConnectionStrings__Nats="$TELEMATICS_NATS" Logging__LogLevel__Default=Warning \
    dotnet run --project samples/Telematics.Worker -c Release --no-build --no-launch-profile &
  pids+=($!)
fi

start_host() { # url
  # The repository's event CSV mappings, chosen per upload with ?mapping=ndsbr or ?mapping=phone-gps.
  env ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" Scoring__Model="$model" Pricing__PlanPath="pricing/$plan" \
    Ingest__CsvMappings__ndsbr="$PWD/docs/mappings/ndsbr.json" Ingest__CsvMappings__phone-gps="$PWD/docs/mappings/phone-gps.json" \
    ${cluster_env[@]+"${cluster_env[@]}"} \
    dotnet run --project samples/Telematics.Api -c Release --no-build --no-launch-profile -- --urls "$1" &
  pids+=($!)
}
wait_live() { # url pid
  for _ in $(seq 1 240); do
    if curl -fsS "$1/health/live" >/dev/null 2>&1; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "the host on $1 exited during start-up" >&2; exit 1; }
    sleep 0.5
  done
  # Not announced as up: a host that never answered /health/live is not serving.
  echo "the host on $1 did not answer /health/live within 120 s; see its log above" >&2
  exit 1
}
start_host "$url"
host_pid=${pids[-1]}
if [ "$cluster" = true ]; then
  start_host "$url_b"
  wait_live "$url_b" "${pids[-1]}"
fi
wait_live "$url" "$host_pid"

# Demo tokens: the Development token endpoint exists only in the Development environment.
issue_token() { # subject role [driverId]
  local body="{\"subject\":\"$1\",\"role\":\"$2\"${3:+,\"driverId\":\"$3\"}}"
  curl -fsS -X POST "$url/api/v1/auth/token" -H 'Content-Type: application/json' -d "$body" 2>/dev/null \
    | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p' || true
}
tokens=""
if [ "${ASPNETCORE_ENVIRONMENT:-Development}" = "Development" ]; then
  admin_token=$(issue_token demo-admin admin)
  analyst_token=$(issue_token demo-analyst analyst)
  driver_token=$(issue_token demo-driver driver 1)
  if [ -n "$admin_token" ]; then
    tokens=$(cat <<TOKENS

Demo tokens (valid 60 min, signed with this process's key unless Auth__SigningKey is set):
  export ADMIN_TOKEN=$admin_token
  export ANALYST_TOKEN=$analyst_token
  export DRIVER_TOKEN=$driver_token   # driver id 1 (the first seeded driver)
  curl -s $url/api/v1/auth/me -H "Authorization: Bearer \$ADMIN_TOKEN"
  curl -s $url/api/v1/risk/1/score -H "Authorization: Bearer \$DRIVER_TOKEN"
  curl -s $url/api/v1/risk/1/breakdown -H "Authorization: Bearer \$DRIVER_TOKEN"
  curl -s $url/api/v1/risk/1/recommendations -H "Authorization: Bearer \$DRIVER_TOKEN"
  curl -s -X POST $url/api/v1/auth/token -H 'Content-Type: application/json' -d '{"subject":"me","role":"driver","driverId":"7"}'
TOKENS
)
    if [ -f .demo/new-driver/D000000.csv ]; then
      tokens+=$'\n'$(cat <<WALK

A new driver, end to end (register, upload yesterday's driving as CSV, score it, read score, breakdown, tips and
premium; the driver is observed from the day of its first trip, so the premium stays near the classical price):
  H="Authorization: Bearer \$ADMIN_TOKEN"
  DRIVER=\$(curl -s -X POST $url/api/v1/drivers -H "\$H" -H 'Content-Type: application/json' -d "{\"externalRef\":\"demo-\$(date +%s)\",\"displayName\":\"New Driver\",\"region\":\"FR-75\",\"timeZone\":\"$demo_zone\"}" | grep -o '"driverId":[0-9]*' | cut -d: -f2)
  curl -s -X POST "$url/api/v1/telematics/events?driverId=\$DRIVER" -H "\$H" -H 'Content-Type: text/csv' --data-binary @$PWD/.demo/new-driver/D000000.csv
  curl -s -X POST "$url/api/v1/risk/\$DRIVER/recalculate" -H "\$H"
  curl -s $url/api/v1/risk/\$DRIVER/breakdown -H "\$H"
  curl -s $url/api/v1/risk/\$DRIVER/recommendations -H "\$H"
  curl -s $url/api/v1/pricing/\$DRIVER/breakdown -H "\$H"
WALK
)
    fi
  else
    tokens=$'\n(could not get demo tokens from POST /api/v1/auth/token; see the host log above)'
  fi
fi

cluster_msg=""
if [ "$cluster" = true ]; then
  cluster_msg=$(cat <<CLUSTER

A cluster: host A $url and host B $url_b share PostgreSQL, NATS JetStream and Redis. Uploads go through the
event stream to the ingest worker (docs/streaming.md); every write's domain events go to JetStream (docs/events.md) and
feed the live hub of both hosts. A token from either host works on both.
  Watch host B live: $url_b/dashboard/drivers/1  (sign in as admin; the page follows the hub)
  Upload on host A (202: accepted by the stream; the Location says when the worker has stored it), rescore on A, read on B:
    curl -si -X POST "$url/api/v1/telematics/events?driverId=1" -H "Authorization: Bearer \$ADMIN_TOKEN" -H 'Content-Type: text/csv' --data-binary @$PWD/.demo/new-driver/D000000.csv
    curl -s -X POST $url/api/v1/risk/1/recalculate -H "Authorization: Bearer \$ADMIN_TOKEN"
    curl -s $url_b/api/v1/risk/1/score -H "Authorization: Bearer \$ADMIN_TOKEN"
CLUSTER
)
fi

cat <<MSG

Telematics reference host: $url
  dashboard: $url/dashboard  (sign in by picking a role: admin sees the whole book; open a driver for why its score is what it is)
  health:  curl -s $url/health/ready
  API reference: $url/scalar   OpenAPI: $url/openapi/v1.json   metrics: $url/metrics$tokens
$cluster_msg
Press Ctrl-C to stop.
MSG
wait "${pids[@]}"
