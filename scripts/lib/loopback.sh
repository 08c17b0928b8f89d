# Loopback ports and background processes for the private servers of scripts/pg.sh, redis.sh and nats.sh and the perf
# scripts. Sourced, not run.

# port_in_use PORT: whether something accepts connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The ranges the private servers choose from lie below 32768, outside Linux's default ephemeral range
# (/proc/sys/net/ipv4/ip_local_port_range, 32768-60999): a port inside it can be held at any moment by some client's
# outgoing connection, and a server cannot bind it until that connection closes (CI once lost a PostgreSQL restart so).

# port_taken PORT: whether a TCP socket holds local port PORT: a listener, or a connection that took it as its own
# port. Sockets in TIME_WAIT do not count (the servers bind with SO_REUSEADDR). Without /proc, only listeners are seen.
port_taken() {
  local tables=() table
  for table in /proc/net/tcp /proc/net/tcp6; do [ -r "$table" ] && tables+=("$table"); done
  [ ${#tables[@]} -gt 0 ] || { port_in_use "$1"; return; }
  awk -v port="$(printf ':%04X' "$1")" \
    'FNR > 1 && substr($2, length($2) - 4) == port && $4 != "06" { taken = 1 } END { exit taken ? 0 : 1 }' "${tables[@]}"
}

# free_port FIRST LAST [TAKEN]: prints the first port in FIRST..LAST that no socket holds and that is not in the
# space-separated TAKEN (ports already chosen by the caller); fails when there is none.
free_port() {
  local port taken=" ${3:-} "
  for port in $(seq "$1" "$2"); do
    if [[ $taken != *" $port "* ]] && ! port_taken "$port"; then echo "$port"; return 0; fi
  done
  return 1
}

# stop_pid FILE: stops the process whose id FILE holds (SIGTERM, then SIGKILL after 10 s); nothing when none runs.
stop_pid() {
  local pid
  pid=$(cat "$1" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
