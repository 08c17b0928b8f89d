#!/usr/bin/env bash
# A private NATS JetStream server — or a 3-node JetStream cluster — for this checkout, the way scripts/pg.sh keeps a
# PostgreSQL cluster.
#
#   scripts/nats.sh start NAME [NODES]  start NAME with NODES JetStream nodes (1, the default, or 3 for a cluster);
#                                      prints the client URL (every node's address, comma-separated)
#   scripts/nats.sh url NAME           print the client URL of a running NAME
#   scripts/nats.sh stop NAME [NODE]   stop every node of NAME (or only node NODE, 1-based, as a crash test does)
#   scripts/nats.sh status NAME        say whether every node of NAME runs (exit 0) or not (exit 3)
#   scripts/nats.sh destroy NAME       stop NAME and delete its files (streams included)
#
# Each node lives in .nats/NAME/nodeN (git-ignored): configuration, log, pid and the JetStream store. Client, cluster and
# monitoring ports are loopback only, chosen free on the first start and kept while free. Clients authenticate with a
# generated user and password, kept in .nats/NAME/password. Installed with apt-get (Debian package nats-server) when
# missing and run as root. Set TELEMATICS_NATS to a client URL to use an existing server instead.
set -euo pipefail

die() { echo "nats.sh: $*" >&2; exit 1; }

command=${1:-}
name=${2:-default}
[[ $name =~ ^[a-z][a-z0-9_-]{0,30}$ ]] || die "server name '$name' must be lower-case letters, digits, - or _"
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.nats/$name"
user=telematics

server_binary() {
  if command -v nats-server >/dev/null 2>&1; then command -v nats-server; return 0; fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "nats.sh: nats-server not found; installing it with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends nats-server >&2
    pkill -x nats-server >/dev/null 2>&1 || true # a system service the package may have started
    command -v nats-server && return 0
  fi
  die "nats-server was not found. Debian/Ubuntu: sudo apt-get install nats-server; or point TELEMATICS_NATS at an existing server."
}

. "$root/scripts/lib/loopback.sh"

nodes() { cat "$dir/nodes" 2>/dev/null || echo 0; }

url() {
  [ -f "$dir/nodes" ] || die "'$name' has not been started (no $dir/nodes)"
  local urls=() n
  for n in $(seq 1 "$(nodes)"); do
    urls+=("nats://$user:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/node$n/client_port")")
  done
  (IFS=,; echo "${urls[*]}")
}

node_running() {
  local pid
  pid=$(cat "$dir/node$1/nats.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# The ports of every node: kept from an earlier start while free, else new free ones.
choose_ports() {
  local count=$1 n taken="" kind base port
  for n in $(seq 1 "$count"); do
    mkdir -p "$dir/node$n/jetstream"
    for kind in client cluster monitor; do
      case $kind in client) base=24222 ;; cluster) base=27222 ;; monitor) base=28222 ;; esac
      port=$(cat "$dir/node$n/${kind}_port" 2>/dev/null || true)
      if [ -z "$port" ] || { ! node_running "$n" && port_taken "$port"; } || [[ " $taken " == *" $port "* ]]; then
        # Not one an earlier node of this start took, and from a random point of the range: servers started side by
        # side (tests) would otherwise all take the lowest free port, and a server stopped for a while would find its
        # port taken by the next one when it starts again.
        port=$(free_port $((base + RANDOM % 250)) $((base + 300)) "$taken" || free_port "$base" $((base + 300)) "$taken") \
          || die "no free loopback port from $base"
        echo "$port" >"$dir/node$n/${kind}_port"
      fi
      taken="$taken $port"
    done
  done
}

write_config() {
  local n=$1 count=$2 routes="" m
  for m in $(seq 1 "$count"); do
    [ "$m" = "$n" ] || routes="$routes    \"nats-route://127.0.0.1:$(cat "$dir/node$m/cluster_port")\"\n"
  done
  (umask 077; {
    echo "server_name: \"$name-$n\""
    echo "listen: \"127.0.0.1:$(cat "$dir/node$n/client_port")\""
    echo "http: \"127.0.0.1:$(cat "$dir/node$n/monitor_port")\""
    echo "pid_file: \"$dir/node$n/nats.pid\""
    echo "log_file: \"$dir/node$n/nats.log\""
    echo "jetstream { store_dir: \"$dir/node$n/jetstream\", max_memory_store: 256MB, max_file_store: 4GB }"
    echo "authorization { user: \"$user\", password: \"$(cat "$dir/password")\" }"
    if [ "$count" -gt 1 ]; then
      echo "cluster {"
      echo "  name: \"$name\""
      echo "  listen: \"127.0.0.1:$(cat "$dir/node$n/cluster_port")\""
      printf '  routes: [\n%b  ]\n' "$routes"
      echo "}"
    fi
  } >"$dir/node$n/nats.conf")
}

# Ready when the node answers its monitoring health check (JetStream included, and its meta leader known in a cluster).
healthy() {
  local port response
  port=$(cat "$dir/node$1/monitor_port")
  response=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && cat <&3) 2>/dev/null || true)
  [[ $response == *'"status":"ok"'* ]]
}

start() {
  local binary count n attempt
  count=${3:-$(cat "$dir/nodes" 2>/dev/null || echo 1)}
  [[ $count =~ ^(1|3)$ ]] || die "NODES must be 1 or 3, not '$count'"
  binary=$(server_binary)
  mkdir -p "$dir"
  [ -f "$dir/password" ] || (umask 077; head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/password")
  echo "$count" >"$dir/nodes"
  # A port found free can be taken by another process before the node binds it (tests start servers side by side):
  # a node that exits at start makes the whole start again on newly chosen ports, up to three times.
  for attempt in 1 2 3; do
    choose_ports "$count"
    for n in $(seq 1 "$count"); do
      node_running "$n" && continue
      rm -f "$dir/node$n/nats.pid"  # a stale one would read as a node that exited
      write_config "$n" "$count"
      setsid "$binary" -c "$dir/node$n/nats.conf" >/dev/null 2>&1 < /dev/null &
    done

    for _ in $(seq 1 150); do
      local all=true exited=false
      for n in $(seq 1 "$count"); do
        healthy "$n" || all=false
        [ -f "$dir/node$n/nats.pid" ] && ! node_running "$n" && exited=true
      done
      if [ "$all" = true ]; then url; return 0; fi
      [ "$exited" = true ] && break
      sleep 0.2
    done

    for n in $(seq 1 "$count"); do tail -3 "$dir/node$n/nats.log" >&2 2>/dev/null || true; done
    # Nodes that did start are stopped either way: a failed start leaves nothing running.
    [ "$attempt" = 3 ] || echo "nats.sh: '$name' did not start (attempt $attempt); starting again on new ports" >&2
    for n in $(seq 1 "$count"); do
      stop_node "$n"
      rm -f "$dir/node$n/client_port" "$dir/node$n/cluster_port" "$dir/node$n/monitor_port" "$dir/node$n/nats.pid"
    done
  done
  die "'$name' did not become healthy"
}

stop_node() { stop_pid "$dir/node$1/nats.pid"; }

stop() {
  local n
  if [ -n "${3:-}" ]; then stop_node "$3"; return 0; fi
  for n in $(seq 1 "$(nodes)"); do stop_node "$n"; done
}

case "$command" in
  start) start "$@" ;;
  url) url ;;
  stop) stop "$@" ;;
  status)
    all=true
    for n in $(seq 1 "$(nodes)"); do node_running "$n" || all=false; done
    if [ "$(nodes)" -gt 0 ] && [ "$all" = true ]; then echo "'$name' runs ($(nodes) node(s)): $(url)"; else echo "'$name' is not running"; exit 3; fi ;;
  destroy) stop "$@"; rm -rf "$dir" ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
