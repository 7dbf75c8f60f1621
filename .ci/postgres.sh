# Start a private PostgreSQL server on loopback, export TURNTOWARD_TEST_PG_URL, stop it on exit.
start_test_postgres() {
  local bindir port
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bindir" ]; then echo "PostgreSQL is not installed" >&2; return 1; fi
  # A free port on loopback, so a server left over from an earlier run can't get in the way.
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  TT_PG_DATA=$(mktemp -d /tmp/tt-pg.XXXXXX)
  chown postgres "$TT_PG_DATA"
  su postgres -c "$bindir/initdb -D $TT_PG_DATA -A trust -U postgres" >/dev/null
  su postgres -c "$bindir/pg_ctl -D $TT_PG_DATA -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -l $TT_PG_DATA/log -w start" >/dev/null
  TT_PG_BIN=$bindir
  trap stop_test_postgres EXIT
  export TURNTOWARD_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL for tests at $TURNTOWARD_TEST_PG_URL"
}

stop_test_postgres() {
  su postgres -c "$TT_PG_BIN/pg_ctl -D $TT_PG_DATA stop -m fast" >/dev/null 2>&1 || true
  rm -rf "$TT_PG_DATA"
}
