# Loopback ports and background processes for the private servers of scripts/pg.sh, redis.sh and nats.sh and the perf
# scripts. Sourced, not run.

# port_in_use PORT: whether something accepts connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port FIRST LAST [TAKEN]: prints the first port in FIRST..LAST that nothing listens on and that is not in the
# space-separated TAKEN (ports already chosen by the caller); fails when there is none.
free_port() {
  local port taken=" ${3:-} "
  for port in $(seq "$1" "$2"); do
    if ! port_in_use "$port" && [[ $taken != *" $port "* ]]; then echo "$port"; return 0; fi
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
