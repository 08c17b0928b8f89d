#!/usr/bin/env bash
# A private Redis server for this checkout, the way scripts/pg.sh keeps a PostgreSQL cluster.
#
#   scripts/redis.sh start NAME    start server NAME (created the first time); prints its connection string
#   scripts/redis.sh url NAME      print the connection string of a running server NAME
#   scripts/redis.sh stop NAME     stop server NAME and wait until its process is gone
#   scripts/redis.sh status NAME   say whether server NAME runs (exit 0) or not (exit 3)
#   scripts/redis.sh destroy NAME  stop server NAME and delete its files
#
# The server lives in .redis/NAME (git-ignored): its configuration, password, port, log and data. It listens on a loopback
# port only (chosen free on the first start and kept while free), requires the generated password, and runs with
# persistence off: it holds caches and pub/sub, which every host can rebuild. Installed with apt-get (Debian package
# redis-server) when missing and run as root.
#
# Set TELEMATICS_REDIS to a connection string (StackExchange.Redis format, e.g. 127.0.0.1:6379,password=…) to use an
# existing server instead: the scripts that call this one skip it then.
set -euo pipefail

die() { echo "redis.sh: $*" >&2; exit 1; }

command=${1:-}
name=${2:-default}
[[ $name =~ ^[a-z][a-z0-9_-]{0,30}$ ]] || die "server name '$name' must be lower-case letters, digits, - or _"
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.redis/$name"

server_binary() {
  if command -v redis-server >/dev/null 2>&1; then command -v redis-server; return 0; fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "redis.sh: redis-server not found; installing it with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends redis-server >&2
    # The package may start a system server of its own on 6379; ours does not need it. Only that one is stopped: another
    # checkout's private server, or a server someone runs by hand, is left alone.
    if [ -f /run/redis/redis-server.pid ]; then
      kill "$(cat /run/redis/redis-server.pid)" >/dev/null 2>&1 || true
    fi
    command -v redis-server && return 0
  fi
  die "redis-server was not found. Debian/Ubuntu: sudo apt-get install redis-server; or point TELEMATICS_REDIS at an existing server."
}

. "$root/scripts/lib/loopback.sh"

url() {
  [ -f "$dir/port" ] || die "server '$name' has not been started (no $dir/port)"
  echo "127.0.0.1:$(cat "$dir/port"),password=$(cat "$dir/password"),abortConnect=false"
}

pid() { [ -f "$dir/redis.pid" ] && cat "$dir/redis.pid" 2>/dev/null || true; }

running() {
  local p
  p=$(pid)
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null
}

start() {
  local binary port
  binary=$(server_binary)
  mkdir -p "$dir"
  if running; then url; return 0; fi
  [ -f "$dir/password" ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/password")
  port=$(cat "$dir/port" 2>/dev/null || true)
  if [ -z "$port" ] || port_taken "$port"; then
    [ -n "$port" ] && echo "redis.sh: port $port is taken; server '$name' moves to a new port" >&2
    port=$(free_port 26379 26579) || die "no free loopback port between 26379 and 26579"
    echo "$port" >"$dir/port"
  fi

  # The password goes in a file only the owner reads, never on a command line (visible in ps).
  (umask 077; cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
protected-mode yes
port $port
requirepass $(cat "$dir/password")
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
dir $dir
save ""
appendonly no
EOF
)
  "$binary" "$dir/redis.conf" >/dev/null
  for _ in $(seq 1 100); do
    if port_in_use "$port"; then url; return 0; fi
    sleep 0.1
  done
  tail -5 "$dir/redis.log" >&2 || true
  die "server '$name' did not start on port $port"
}

stop() { stop_pid "$dir/redis.pid"; }

case "$command" in
  start) start ;;
  url) url ;;
  stop) stop ;;
  status) if running; then echo "server '$name' runs: $(url)"; else echo "server '$name' is not running"; exit 3; fi ;;
  destroy) stop; rm -rf "$dir" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
