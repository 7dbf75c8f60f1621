# Start a private PostgreSQL server on loopback and export TURNTOWARD_TEST_PG_URL.
start_test_postgres() {
  local bindir datadir port=55432
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bindir" ]; then echo "PostgreSQL is not installed" >&2; return 1; fi
  datadir=$(mktemp -d /tmp/tt-pg.XXXXXX)
  chown postgres "$datadir"
  su postgres -c "$bindir/initdb -D $datadir -A trust -U postgres" >/dev/null
  su postgres -c "$bindir/pg_ctl -D $datadir -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -l $datadir/log -w start" >/dev/null
  export TURNTOWARD_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL for tests at $TURNTOWARD_TEST_PG_URL"
}
