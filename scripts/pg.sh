#!/usr/bin/env bash
# A private PostgreSQL cluster for this checkout, used by ./test.sh and ./run.sh.
#
#   scripts/pg.sh start NAME   create (first time) and start cluster NAME; prints its connection string
#   scripts/pg.sh url NAME [ROLE]  print the connection string of a running cluster NAME, as the superuser or as
#                              ROLE: owner (migrations), app (the host and CLI), maintenance (partition maintenance)
#   scripts/pg.sh roles NAME   create the three least-privilege roles (idempotent) and make the owner own the
#                              database while it holds no schema yet; exit 4 if it was migrated as another role
#   scripts/pg.sh grant NAME   after migrating as the owner: grant the app and maintenance roles (telematics_grant_roles)
#   scripts/pg.sh stop NAME    stop cluster NAME and wait until no server process is left
#   scripts/pg.sh status NAME  say whether cluster NAME runs (exit 0) or not (exit 3)
#   scripts/pg.sh destroy NAME stop cluster NAME and delete its files
#
# The cluster lives in .pg/NAME (git-ignored) and listens on a loopback port only, with password
# authentication for TCP. The port is chosen free on the first start and kept in the cluster folder: later
# starts reuse it while it is free, so a client (a running host) reconnects to the same address after a
# restart; only when another process holds it does the cluster move to a new free port, and says so. The
# password is generated on creation and kept in the cluster folder. When run as root the server runs as
# the `postgres` OS user, since PostgreSQL refuses to run as root. If that user
# cannot reach .pg/ (a checkout under a private home or temporary folder), the cluster goes to a folder
# under /tmp that it owns, and .pg/NAME.location records where.
#
# Set TELEMATICS_PG to a connection string to use an existing server instead: the scripts that call this
# one skip it entirely then.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

command=${1:-}
name=${2:-default}
[[ $name =~ ^[a-z][a-z0-9_-]{0,30}$ ]] || die "cluster name '$name' must be lower-case letters, digits, - or _"
root=$(cd "$(dirname "$0")/.." && pwd)
state="$root/.pg"
database=telematics
superuser=postgres

find_bindir() {
  local dir candidate
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  fi
  # Debian/Ubuntu keep server binaries per major version; take the newest that is 15 or later.
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then echo "$candidate"; return 0; fi
  done
  for candidate in /usr/pgsql-*/bin /usr/local/pgsql/bin /opt/homebrew/bin /usr/local/bin /usr/bin; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

install_server() {
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "pg.sh: PostgreSQL server binaries not found; installing them with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends postgresql >&2
    # The Debian package may create and start a system cluster of its own; ours does not need it.
    if command -v pg_lsclusters >/dev/null 2>&1; then
      pg_lsclusters -h 2>/dev/null | while read -r ver cluster _; do
        pg_ctlcluster "$ver" "$cluster" stop >/dev/null 2>&1 || true
      done
    fi
    return 0
  fi
  return 1
}

bindir() {
  local dir
  if dir=$(find_bindir); then echo "$dir"; return 0; fi
  if install_server && dir=$(find_bindir); then echo "$dir"; return 0; fi
  die "PostgreSQL 15 or later is needed and its server binaries (initdb, pg_ctl, postgres) were not found.
  Debian/Ubuntu: sudo apt-get install postgresql
  Fedora/RHEL:   sudo dnf install postgresql-server
  macOS:         brew install postgresql@16
  or point TELEMATICS_PG at an existing server: TELEMATICS_PG='Host=...;Port=5432;Username=...;Password=...;Database=...'"
}

# As root, the server runs as the postgres user: made here when the binaries came without it (not from the package).
ensure_postgres_user() {
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    ensure_postgres_user
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Where the cluster NAME lives: .pg/NAME, or the folder recorded in .pg/NAME.location.
cluster_dir() {
  if [ -f "$state/$name.location" ]; then cat "$state/$name.location"; else echo "$state/$name"; fi
}

# The ports other clusters of this checkout keep: a new cluster must not take one while its owner is stopped for a
# moment (a test restarting its server), or the owner's clients would reconnect to the wrong server.
kept_ports() {
  local entry folder
  for entry in "$state"/*; do
    case $entry in
      *.location) folder=$(cat "$entry") ;;
      *) folder=$entry ;;
    esac
    if [ "$folder" != "$1" ] && [ -f "$folder/port" ]; then cat "$folder/port"; fi
  done | tr '\n' ' '
}

choose_cluster_dir() {
  mkdir -p "$state"
  local dir="$state/$name"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    ensure_postgres_user
    chown postgres: "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      rmdir "$dir" 2>/dev/null || true
      dir="/tmp/telematics-pg-$(echo "$root" | cksum | cut -d' ' -f1)/$name"
      mkdir -p "$dir"
      chown postgres: "$(dirname "$dir")" "$dir"
      echo "$dir" >"$state/$name.location"
    fi
  fi
  echo "$dir"
}

. "$root/scripts/lib/loopback.sh"

url() {
  local dir role=${1:-}
  dir=$(cluster_dir)
  [ -f "$dir/port" ] || die "cluster '$name' has not been started (no $dir/port)"
  if [ -z "$role" ]; then
    echo "Host=127.0.0.1;Port=$(cat "$dir/port");Username=$superuser;Password=$(cat "$dir/password");Database=$database"
    return 0
  fi
  [[ $role =~ ^(owner|app|maintenance)$ ]] || die "role '$role' is not owner, app or maintenance"
  [ -f "$dir/role-$role.password" ] || die "cluster '$name' has no roles yet (scripts/pg.sh roles $name)"
  echo "Host=127.0.0.1;Port=$(cat "$dir/port");Username=telematics_$role;Password=$(cat "$dir/role-$role.password");Database=$database"
}

# psql as the superuser (or as ROLE with -r ROLE) on the cluster's database.
sql() {
  local dir user=$superuser password
  dir=$(cluster_dir)
  password=$(cat "$dir/password")
  if [ "${1:-}" = -r ]; then user=telematics_$2; password=$(cat "$dir/role-$2.password"); shift 2; fi
  PGPASSWORD=$password "$(bindir)/psql" -h 127.0.0.1 -p "$(cat "$dir/port")" -U "$user" -d "$database" -v ON_ERROR_STOP=1 -tAq "$@"
}

# The least-privilege roles (migration 0015): telematics_owner owns the schema and runs the migrations,
# telematics_app is what the host and the CLI connect as, telematics_maintenance (a member of the owner) detaches and
# drops partitions.
roles() {
  local dir role owner
  dir=$(cluster_dir)
  running || die "cluster '$name' is not running"
  umask 077
  for role in owner app maintenance; do
    [ -f "$dir/role-$role.password" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/role-$role.password"
    # On standard input, not -c: a command line is visible to every local user in ps, and this one holds the password.
    # printf is a shell builtin, so the password is on no command line at all.
    printf '%s\n' \
      "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'telematics_$role') THEN CREATE ROLE telematics_$role LOGIN; END IF; END \$\$;" \
      "ALTER ROLE telematics_$role PASSWORD '$(cat "$dir/role-$role.password")';" | sql
  done
  sql -c "GRANT telematics_owner TO telematics_maintenance" >/dev/null
  owner=$(sql -c "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'schema_migrations'")
  if [ -z "$owner" ]; then
    sql -c "ALTER DATABASE $database OWNER TO telematics_owner"
  elif [ "$owner" != telematics_owner ]; then
    echo "pg.sh: the database of cluster '$name' was migrated as $owner before the roles existed; it keeps running as the superuser (scripts/pg.sh destroy $name to start over with least privilege)" >&2
    exit 4
  fi
}

grant() {
  running || die "cluster '$name' is not running"
  sql -r owner -c "SELECT telematics_grant_roles('telematics_app', 'telematics_maintenance')" >/dev/null
}

running() {
  local dir
  dir=$(cluster_dir)
  [ -f "$dir/data/postmaster.pid" ] && as_owner "$(bindir)/pg_ctl" status -D "$dir/data" >/dev/null 2>&1
}

start() {
  local bin dir port
  bin=$(bindir)
  version=$("$bin/initdb" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')
  [ "$version" -ge 15 ] || die "PostgreSQL $version found in $bin; 15 or later is needed"

  if running; then url; return 0; fi
  dir=$(choose_cluster_dir)
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir/data"
    umask 077
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/password"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/password"
    as_owner "$bin/initdb" -D "$dir/data" -U "$superuser" --pwfile="$dir/password" \
      --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  mkdir -p "$dir/socket"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"

  # Keep the port of the last start when it is free, so clients that hold the old address reconnect.
  if [ -f "$dir/port" ] && [[ $(cat "$dir/port") =~ ^[0-9]+$ ]] && ! port_taken "$(cat "$dir/port")"; then
    port=$(cat "$dir/port")
  else
    [ -f "$dir/port" ] && echo "pg.sh: port $(cat "$dir/port") of cluster '$name' is taken; moving to another" >&2
    port=$(free_port 25432 25632 "$(kept_ports "$dir")") || die "no free loopback port between 25432 and 25632"
    echo "$port" >"$dir/port"
  fi
  # Loopback only; the socket folder is the cluster's own; fsync off because these clusters hold
  # throw-away test and demo data that is rebuilt after a crash.
  # Right after a stop the kept port can still be held for a moment (sockets of the old server closing, or a client's
  # ephemeral port: this range lies inside Linux's); PostgreSQL's own hint is to wait a few seconds and retry.
  # A port still held after ~10 s is held for good (a long-lived connection took it): the cluster moves, once.
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9; do
    if as_owner "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60 -o \
      "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >/dev/null 2>&1; then
      break
    fi
    if [ "$attempt" -lt 9 ] && tail -n 5 "$dir/server.log" | grep -q "could not create any TCP/IP sockets"; then
      if [ "$attempt" -eq 6 ]; then
        local held=$port
        port=$(free_port 25432 25632 "$(kept_ports "$dir") $held") || die "no free loopback port between 25432 and 25632"
        echo "$port" >"$dir/port"
        echo "pg.sh: port $held of cluster '$name' stays taken; moving to $port" >&2
      else
        echo "pg.sh: port $port of cluster '$name' is not free yet; retrying" >&2
        sleep 2
      fi
      continue
    fi
    tail -n 20 "$dir/server.log" >&2
    die "the server did not start; log above"
  done

  for _ in $(seq 1 60); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then break; fi
    sleep 0.5
  done
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || die "the server on port $port does not accept connections"

  if ! PGPASSWORD=$(cat "$dir/password") "$bin/psql" -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    PGPASSWORD=$(cat "$dir/password") "$bin/psql" -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -q \
      -c "CREATE DATABASE $database" >/dev/null
  fi
  url
}

stop() {
  local dir
  dir=$(cluster_dir)
  [ -d "$dir/data" ] || return 0
  if running; then
    as_owner "$(bindir)/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >/dev/null
  fi
  # pg_ctl waits for the postmaster; make sure no backend of this cluster outlives it.
  if pgrep -f -- "-D $dir/data" >/dev/null 2>&1; then
    pkill -TERM -f -- "-D $dir/data" || true
    sleep 1
    pkill -KILL -f -- "-D $dir/data" || true
  fi
}

case "$command" in
  start) start ;;
  url) url "${3:-}" ;;
  roles) roles ;;
  grant) grant ;;
  stop) stop ;;
  status) if running; then echo "cluster '$name' runs: $(url)"; else echo "cluster '$name' is not running"; exit 3; fi ;;
  destroy) stop; dir=$(cluster_dir); rm -rf "$dir" "$state/$name.location" ;;
  *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; [ -z "$command" ] && exit 2 || die "unknown command '$command'" ;;
esac
