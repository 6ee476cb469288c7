# Sourced by .ci/run and bench/postgres.sh: a throwaway PostgreSQL cluster (initdb into a temporary folder as an
# unprivileged user, a free loopback port), stopped and removed when the sourcing script exits, also on failure.
#   start_postgres [postgres -c settings...]    sets PG_BIN, PG_DIR, PG_PORT, PG_CONNECTION; returns non-zero on failure
# Installs Debian's postgresql with apt-get when no server binaries are found.

start_postgres() {
  PG_BIN=$(pg_config --bindir 2>/dev/null || true)
  [ -x "$PG_BIN/initdb" ] || PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ ! -x "$PG_BIN/initdb" ]; then
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null; } || {
      echo "error: could not install postgresql with apt-get" >&2; return 1; }
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi
  PG_DIR=$(mktemp -d /tmp/eair-pg.XXXXXX)
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres system user (or one made for it).
    local user=postgres
    id -u "$user" >/dev/null 2>&1 || { user=eair-pg; id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"; }
    chown "$user" "$PG_DIR"
    PG_AS=(runuser -u "$user" --)
  fi
  trap stop_postgres EXIT
  trap 'exit 130' INT TERM
  PG_PORT=""
  local candidate
  for candidate in $(seq 54330 54429); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then PG_PORT=$candidate; break; fi
  done
  local options="-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300"
  local setting
  for setting in "$@"; do options="$options -c $setting"; done
  if [ -z "$PG_PORT" ] \
    || ! "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || ! "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 -o "$options" start >/dev/null; then
    cat "$PG_DIR"/*.log >&2 2>/dev/null
    echo "error: could not start a PostgreSQL cluster from $PG_BIN" >&2
    return 1
  fi
  PG_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') cluster on 127.0.0.1:$PG_PORT ($PG_DIR)" >&2
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$PG_DIR"
}
