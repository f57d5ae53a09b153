#!/usr/bin/env bash
# One script behind the Makefile: set-up of the virtual environment, PostgreSQL, the
# databases, and the run / test / bench commands. Every step is skipped when its inputs did
# not change, so the second run of a command starts at once.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${AFTERSALES_VENV:-$ROOT/.venv}
PY=$VENV/bin/python
DB=${AFTERSALES_DB:-aftersales}
TEST_DB=${AFTERSALES_TEST_DB:-${DB}_test}
PORT=${AFTERSALES_PORT:-8069}
ADDONS=${AFTERSALES_ADDONS:-aftersales_followup,aftersales_warranty,aftersales_parts}
# The production shape of `make run` (README, "Environment variables"): 0 workers is Odoo's
# threaded mode; with workers > 0 it preforks HTTP workers, cron workers and the gevent
# long-polling process, each worker recycled past its memory and time limits.
WORKERS=${AFTERSALES_WORKERS:-0}
CRON_THREADS=${AFTERSALES_CRON_THREADS:-2}
HTTP_INTERFACE=${AFTERSALES_HTTP_INTERFACE:-127.0.0.1}
LONGPOLLING_PORT=${AFTERSALES_LONGPOLLING_PORT:-$((PORT + 3))}
LIMIT_MEMORY_SOFT=${AFTERSALES_LIMIT_MEMORY_SOFT:-2147483648}
LIMIT_MEMORY_HARD=${AFTERSALES_LIMIT_MEMORY_HARD:-2684354560}
LIMIT_TIME_CPU=${AFTERSALES_LIMIT_TIME_CPU:-60}
LIMIT_TIME_REAL=${AFTERSALES_LIMIT_TIME_REAL:-120}
# A cron worker's run (a campaign's letters, a mail queue of thousands of emails) may take
# longer than a request: past this limit Odoo kills the worker mid-run (see tests/load).
LIMIT_TIME_REAL_CRON=${AFTERSALES_LIMIT_TIME_REAL_CRON:-900}
PROXY_MODE=${AFTERSALES_PROXY_MODE:-0}
# OCA queue_job's runner (started by the server when queue_job is loaded server-wide):
# how many jobs run at once, in all, and on the suite's own channel (campaign letters).
# Each running job occupies one HTTP worker (one thread with AFTERSALES_WORKERS=0): keep
# the root capacity below the workers, the rest serve the staff (README, "Job runner").
JOB_CHANNELS=${AFTERSALES_JOB_CHANNELS:-root:2,root.aftersales:2}
DB_MAXCONN=${AFTERSALES_DB_MAXCONN:-64}
# The load test's own environment: locust needs Werkzeug >= 2, Odoo 11 needs 0.16.
LOAD_VENV=$VENV/locust
APT_PACKAGES="chromium chromium-driver wkhtmltopdf fonts-noto-cjk"
# The standard modules the addons depend on (sale_stock brings sale_management and stock),
# installed with demo data into a template database for test-odoo and test-core.
CORE_DEPS=sale_stock,survey,purchase
CORE_DB=${DB}_core
# The standard modules the addons extend, whose own test suites test-core runs.
CORE_TESTED="sale sale_stock stock purchase mail survey sale_management"
ARTIFACTS=$ROOT/artifacts

die() { echo "error: $*" >&2; exit 1; }
say() { echo "==> $*"; }

python_ok() {
    local py=${PYTHON:-python3.11}
    command -v "$py" >/dev/null 2>&1 || py=python3
    command -v "$py" >/dev/null 2>&1 || die "Python 3.11 is required (apt-get install python3.11 python3.11-venv)."
    local ver
    ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    [ "$ver" = "3.11" ] || die "Python 3.11 is required, found Python $ver at $(command -v "$py") (set PYTHON=/path/to/python3.11)."
    echo "$py"
}

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

apt_deps() {
    local missing=()
    for p in $APT_PACKAGES; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "warning: missing Debian packages (browser test and PDF reports need them): sudo apt-get install ${missing[*]}" >&2
        return 0
    fi
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pip_install() {
    local log
    log=$(mktemp)
    if ! "$PY" -m pip install -q --disable-pip-version-check "$@" >"$log" 2>&1; then
        grep -v "^WARNING: Location" "$log" >&2
        rm -f "$log"
        die "pip install $* failed (see above)."
    fi
    rm -f "$log"
}

venv() {
    local py stamp
    py=$(python_ok)
    apt_deps
    stamp=$(stamp_of "$ROOT/requirements/odoo.txt" "$ROOT/requirements/python.txt" \
        "$ROOT/requirements/package.json" "$ROOT/requirements/package-lock.json")
    if [ -f "$VENV/.stamp" ] && [ "$(cat "$VENV/.stamp")" = "$stamp" ]; then
        return 0
    fi
    say "creating the virtual environment in $VENV"
    [ -x "$PY" ] || "$py" -m venv "$VENV"
    pip_install --no-deps -r "$ROOT/requirements/odoo.txt"
    pip_install -r "$ROOT/requirements/python.txt"
    # The compatibility layer must be active before anything imports odoo, in every
    # process started from this environment: a .pth line runs at interpreter start-up.
    local site
    site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    # AFTERSALES_NO_PY311_COMPAT=1 turns it off: the tests use it to show each patch is needed.
    echo "import os, sys; sys.path.insert(0, '$ROOT/tools'); 'AFTERSALES_NO_PY311_COMPAT' in os.environ or __import__('odoo_py311')" \
        > "$site/aftersales_odoo_py311.pth"
    say "installing lessc (npm less@3.0.4) into $VENV/node"
    mkdir -p "$VENV/node"
    cp "$ROOT/requirements/package.json" "$ROOT/requirements/package-lock.json" "$VENV/node/"
    (cd "$VENV/node" && npm ci --silent --no-audit --no-fund >/dev/null)
    echo "$stamp" > "$VENV/.stamp"
}

venv_load() {  # locust in an environment of its own (see LOAD_VENV)
    local py stamp
    stamp=$(stamp_of "$ROOT/requirements/load.txt")
    if [ -f "$LOAD_VENV/.stamp" ] && [ "$(cat "$LOAD_VENV/.stamp")" = "$stamp" ]; then
        return 0
    fi
    py=$(python_ok)
    say "creating the load test's environment in $LOAD_VENV"
    [ -x "$LOAD_VENV/bin/python" ] || "$py" -m venv "$LOAD_VENV"
    local log
    log=$(mktemp)
    if ! "$LOAD_VENV/bin/python" -m pip install -q --disable-pip-version-check \
            -r "$ROOT/requirements/load.txt" >"$log" 2>&1; then
        grep -v "^WARNING: Location" "$log" >&2
        rm -f "$log"
        die "pip install -r requirements/load.txt failed (see above)."
    fi
    rm -f "$log"
    echo "$stamp" > "$LOAD_VENV/.stamp"
}

# --- PostgreSQL ------------------------------------------------------------------------
pg_local() { [ -z "${PGHOST:-}" ] || [ "${PGHOST}" = localhost ] || [ "${PGHOST}" = 127.0.0.1 ] || [ "${PGHOST#/}" != "$PGHOST" ]; }

pg() {
    if ! pg_local; then
        psql -d postgres -tAc 'select 1' >/dev/null 2>&1 || die "cannot connect to PostgreSQL at PGHOST=$PGHOST."
        return 0
    fi
    command -v pg_lsclusters >/dev/null 2>&1 || die "PostgreSQL is not installed: apt-get install postgresql (version 15)."
    local line
    line=$(pg_lsclusters -h | head -n 1)
    [ -n "$line" ] || die "PostgreSQL is installed but has no cluster: pg_createcluster 15 main --start."
    # shellcheck disable=SC2086
    set -- $line
    if [ "$4" != online ]; then
        say "starting PostgreSQL cluster $1/$2"
        pg_ctlcluster "$1" "$2" start || die "could not start PostgreSQL cluster $1/$2 (see /var/log/postgresql/)."
    fi
    export PGPORT=${PGPORT:-$3}
    local role=${PGUSER:-$(id -un)}
    if ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        [ "$(id -u)" = 0 ] || die "PostgreSQL role '$role' is missing: sudo -u postgres createuser --createdb $role"
        say "creating PostgreSQL role $role"
        runuser -u postgres -- psql -p "$PGPORT" -q -c "CREATE ROLE \"$role\" LOGIN CREATEDB" \
            || die "could not create PostgreSQL role $role."
        if [ -n "${PGPASSWORD:-}" ]; then
            runuser -u postgres -- psql -p "$PGPORT" -q -c "ALTER ROLE \"$role\" PASSWORD '$PGPASSWORD'"
        fi
    fi
}

db_exists() { [ "$(psql -d postgres -tAc "select 1 from pg_database where datname='$1'")" = 1 ]; }

odoo() {
    PATH="$VENV/node/node_modules/.bin:$PATH" "$PY" "$ROOT/tools/odoo-bin" \
        --addons-path="$(addons_path)" "$@"
}

# Installing or upgrading: the wheels ship modules whose dependencies are not installed
# (hr_maintenance, website_*...); Odoo logs each as an ERROR although nothing is wrong.
odoo_install() {
    odoo "$@" 2> >(grep -v -e 'Unmet dependencies' -e 'pkg_resources' -e 'Running as user' \
                       -e 'module test_exceptions: module not found' >&2)
}

addons_path() {
    echo "$ROOT,$("$PY" -c 'import os, odoo.addons; print(",".join(p for p in odoo.addons.__path__ if os.path.isdir(p)))')"
}

addons_stamp() {
    (cd "$ROOT" && find aftersales_* -type f ! -name '*.pyc' ! -path '*/tests/*' -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

db_stamp_get() { psql -d "$1" -tAc "select value from ir_config_parameter where key='aftersales.build_stamp'" 2>/dev/null || true; }
db_stamp_set() { psql -d "$1" -q -c "update ir_config_parameter set value='$2' where key='aftersales.build_stamp'; insert into ir_config_parameter(key, value) select 'aftersales.build_stamp', '$2' where not exists (select 1 from ir_config_parameter where key='aftersales.build_stamp')"; }

# After an install, the wheels' auto-install modules whose dependencies are not shipped
# (hr_maintenance, hr_timesheet_attendance...) stay "to install" for ever, and Odoo 11's cron
# runner skips a database with a module in a "to ..." state: no scheduled action would run.
# Whatever the finished install left "to install" could not be installed: say so.
clear_uninstallable() {
    psql -d "$1" -q -c "UPDATE ir_module_module SET state = 'uninstalled' WHERE state = 'to install'"
}

missing_addons() {  # missing_addons DB: the addons of $ADDONS not installed in DB, comma-separated
    local wanted
    wanted=$(echo "$ADDONS" | sed "s/[^,][^,]*/'&'/g")
    psql -d "$1" -tAc "SELECT string_agg(n, ',') FROM unnest(ARRAY[$wanted]) AS n
                        WHERE n NOT IN (SELECT name FROM ir_module_module WHERE state = 'installed')"
}

ensure_db() {  # ensure_db NAME: install, or upgrade when the addons changed
    local name=$1 stamp
    stamp=$(addons_stamp)
    if ! db_exists "$name"; then
        say "creating database $name with $ADDONS and demo data"
        odoo_install -d "$name" -i "$ADDONS" --stop-after-init --log-level=warn --max-cron-threads=0 \
            || { dropdb --if-exists "$name"; die "installing the addons into $name failed (see above)."; }
    elif [ "$(db_stamp_get "$name")" != "$stamp" ]; then
        say "upgrading $ADDONS in $name"
        # -i only for the addons not installed yet: -i puts every module it names in
        # "init" mode, where the demo data's noupdate records are written again (and a
        # demo vehicle's odometer would be set back below its later readings).
        local missing install=()
        missing=$(missing_addons "$name")
        [ -z "$missing" ] || install=(-i "$missing")
        odoo_install -d "$name" "${install[@]}" -u "$ADDONS" --stop-after-init --log-level=warn --max-cron-threads=0 \
            || die "upgrading the addons in $name failed (see above)."
    fi
    clear_uninstallable "$name"
    db_stamp_set "$name" "$stamp"
}

port_free() {
    "$PY" - "$1" <<'PYEOF' || die "port $1 is already in use on 127.0.0.1: stop what runs there or set AFTERSALES_PORT."
import socket, sys
s = socket.socket()
# as Odoo's server binds: connections of a server stopped a moment ago (TIME_WAIT) do
# not hold the port, a server listening on it does
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PYEOF
}

server_args() {  # the production shape's options, from the AFTERSALES_* variables
    local name
    for name in WORKERS CRON_THREADS LONGPOLLING_PORT LIMIT_MEMORY_SOFT LIMIT_MEMORY_HARD \
                LIMIT_TIME_CPU DB_MAXCONN; do
        [[ "${!name}" =~ ^[0-9]+$ ]] || die "AFTERSALES_$name must be a whole number, not '${!name}'."
    done
    for name in LIMIT_TIME_REAL LIMIT_TIME_REAL_CRON; do
        [[ "${!name}" =~ ^-?[0-9]+$ ]] || die "AFTERSALES_$name must be a number of seconds, not '${!name}'."
    done
    # queue_job loaded server-wide: its job runner starts in the server's main process
    # (threaded or prefork alike) and hands each job to the HTTP server
    # (/queue_job/runjob): with workers, to a worker process; with none, to a thread.
    local args=(--http-interface="$HTTP_INTERFACE" --http-port="$PORT"
                --workers="$WORKERS" --max-cron-threads="$CRON_THREADS"
                --db_maxconn="$DB_MAXCONN" --load=web,queue_job)
    if [ "$WORKERS" -gt 0 ]; then
        args+=(--longpolling-port="$LONGPOLLING_PORT"
               --limit-memory-soft="$LIMIT_MEMORY_SOFT" --limit-memory-hard="$LIMIT_MEMORY_HARD"
               --limit-time-cpu="$LIMIT_TIME_CPU" --limit-time-real="$LIMIT_TIME_REAL"
               --limit-time-real-cron="$LIMIT_TIME_REAL_CRON")
    fi
    case "$PROXY_MODE" in
        1|true|yes) args+=(--proxy-mode) ;;
        0|false|no|"") ;;
        *) die "AFTERSALES_PROXY_MODE must be 0 or 1, not '$PROXY_MODE'." ;;
    esac
    echo "${args[@]}"
}

cmd_run() {
    local args
    args=$(server_args)
    venv; pg
    port_free "$PORT"
    [ "$WORKERS" -gt 0 ] && port_free "$LONGPOLLING_PORT"
    ensure_db "$DB"
    echo
    echo "    After-sales suite: http://$HTTP_INTERFACE:$PORT/web?db=$DB    login: admin / password: admin"
    [ "$WORKERS" -gt 0 ] && echo "    $WORKERS HTTP workers, $CRON_THREADS cron workers, long-polling on port $LONGPOLLING_PORT"
    echo "    job runner (queue_job) on channels $JOB_CHANNELS"
    echo
    # shellcheck disable=SC2086
    exec env PATH="$VENV/node/node_modules/.bin:$PATH" ODOO_QUEUE_JOB_CHANNELS="$JOB_CHANNELS" \
        "$PY" "$ROOT/tools/odoo-bin" -d "$DB" \
        --addons-path="$(addons_path)" --db-filter="^$DB\$" $args --log-level=info
}

cmd_test() {
    venv; venv_load; pg
    local start=$SECONDS
    dropdb --if-exists "$TEST_DB"
    say "creating test database $TEST_DB with $ADDONS and demo data"
    odoo_install -d "$TEST_DB" -i "$ADDONS" --stop-after-init --log-level=warn --max-cron-threads=0 \
        || die "installing the addons into $TEST_DB failed (see above)."
    clear_uninstallable "$TEST_DB"
    # The reliability tests (tests/test_reliability_*.py) commit from several processes:
    # they get a copy of the fresh test database (a file copy: nothing is connected now).
    # The browser test drives a server on its own copy too.
    dropdb --if-exists "${TEST_DB}_rel"
    createdb -T "$TEST_DB" "${TEST_DB}_rel"
    dropdb --if-exists "${TEST_DB}_web"
    createdb -T "$TEST_DB" "${TEST_DB}_web"
    dropdb --if-exists "${TEST_DB}_load"
    createdb -T "$TEST_DB" "${TEST_DB}_load"
    # The import command's tests copy this one (nothing connects to it).
    dropdb --if-exists "${TEST_DB}_import"
    createdb -T "$TEST_DB" "${TEST_DB}_import"
    say "database ready in $((SECONDS - start)) s; running the tests"
    local rc=0
    (cd "$ROOT" && AFTERSALES_TEST_DB="$TEST_DB" AFTERSALES_RELIABILITY_DB="${TEST_DB}_rel" \
        AFTERSALES_WEB_DB="${TEST_DB}_web" AFTERSALES_LOAD_DB="${TEST_DB}_load" \
        AFTERSALES_IMPORT_DB="${TEST_DB}_import" \
        AFTERSALES_LOAD_PYTHON="$LOAD_VENV/bin/python" \
        PATH="$VENV/node/node_modules/.bin:$PATH" \
        "$VENV/bin/pytest" --odoo-database="$TEST_DB" \
        --odoo-addons-path="$(addons_path)" "$@") || rc=$?
    say "linting"
    cmd_lint || rc=$((rc ? rc : 1))
    return $rc
}

cmd_lint() {
    venv
    # OCA's module and translation checks read .oca_hooks.cfg (which checks are off, and why).
    (cd "$ROOT" && "$VENV/bin/flake8" aftersales_followup aftersales_warranty aftersales_parts tests tools \
        && "$VENV/bin/pylint" --rcfile=setup.cfg aftersales_followup aftersales_warranty aftersales_parts \
        && "$VENV/bin/oca-checks-odoo-module" --no-verbose aftersales_followup aftersales_warranty aftersales_parts \
        && "$VENV/bin/oca-checks-po" --no-verbose aftersales_*/i18n/*.po aftersales_*/i18n/*.pot)
}

ensure_core_db() {  # the template: the addons' standard dependencies with demo data
    local stamp
    stamp=$(echo "$CORE_DEPS" | cat - "$ROOT/requirements/odoo.txt" | sha256sum | cut -c1-16)
    if db_exists "$CORE_DB" && [ "$(db_stamp_get "$CORE_DB")" = "$stamp" ]; then
        return 0
    fi
    dropdb --if-exists "$CORE_DB"
    say "creating $CORE_DB with $CORE_DEPS and demo data (the template of test-odoo and test-core)"
    odoo_install -d "$CORE_DB" -i "$CORE_DEPS" --stop-after-init --log-level=warn --max-cron-threads=0 \
        || { dropdb --if-exists "$CORE_DB"; die "installing $CORE_DEPS into $CORE_DB failed (see above)."; }
    db_stamp_set "$CORE_DB" "$stamp"
}

copy_db() {  # copy_db TEMPLATE NAME
    dropdb --if-exists "$2"
    createdb -T "$1" "$2"
}

# Odoo's own test runner, as OCA's CI runs it: the addons installed with --test-enable into
# a fresh database holding their dependencies, so that each addon's at_install tests run
# right after it installs (before the addons that depend on it) and the post_install ones
# after the three.
cmd_test_odoo() {
    venv; pg
    port_free "$PORT"
    ensure_core_db
    local db=${DB}_odoo log=$ARTIFACTS/test-odoo.log start=$SECONDS rc=0
    mkdir -p "$ARTIFACTS"
    copy_db "$CORE_DB" "$db"
    say "installing $ADDONS into $db with --test-enable (log: ${log#"$ROOT"/})"
    odoo -d "$db" -i "$ADDONS" --test-enable --stop-after-init --max-cron-threads=0 \
        --http-interface=127.0.0.1 --http-port="$PORT" --log-level=info >"$log" 2>&1 || rc=$?
    "$PY" "$ROOT/tools/odoo_test_log.py" "$log" ${ADDONS//,/ } || rc=$((rc ? rc : 1))
    say "Odoo's test runner: $((SECONDS - start)) s"
    return $rc
}

# Odoo's own test suites of the modules the addons extend, without the addons and with
# them, on two copies of the same template; a core test that passes without the addons
# must pass with them.
cmd_test_core() {
    venv; pg
    port_free "$PORT"
    ensure_core_db
    local plain=${DB}_core_plain addons=${DB}_core_addons start=$SECONDS rc=0
    mkdir -p "$ARTIFACTS"
    copy_db "$CORE_DB" "$plain"
    copy_db "$CORE_DB" "$addons"
    say "installing $ADDONS into $addons"
    odoo_install -d "$addons" -i "$ADDONS" --stop-after-init --log-level=warn --max-cron-threads=0 \
        || die "installing the addons into $addons failed (see above)."
    for db in "$plain" "$addons"; do
        say "running the tests of $CORE_TESTED in $db (log: artifacts/test-core-$db.log)"
        # shellcheck disable=SC2086
        PATH="$VENV/node/node_modules/.bin:$PATH" "$PY" "$ROOT/tools/run_odoo_tests.py" run \
            -d "$db" --addons-path="$(addons_path)" --http-port="$PORT" \
            --json="$ARTIFACTS/test-core-$db.json" $CORE_TESTED \
            2>"$ARTIFACTS/test-core-$db.log" || rc=1
    done
    "$PY" "$ROOT/tools/run_odoo_tests.py" compare "$ARTIFACTS/test-core-$plain.json" \
        "$ARTIFACTS/test-core-$addons.json" || rc=1
    say "core tests both ways: $((SECONDS - start)) s"
    return $rc
}

# The long version of tests/test_packaging.py: the wheels installed into a clean Odoo 11
# environment and from there into a scratch database.
cmd_test_wheels() {
    venv; pg
    # pytest-odoo opens a registry on some database: the template serves (read only).
    ensure_core_db
    (cd "$ROOT" && AFTERSALES_WHEELS_DB="${DB}_wheels" "$VENV/bin/pytest" \
        --odoo-database="$CORE_DB" --odoo-addons-path="$(addons_path)" tests/test_packaging.py "$@")
}

# make bench: parts 1-5 (ARGS), the screens at scale (part 7: AFTERSALES_BENCH_SCREENS_ARGS,
# e.g. "--scale 10"; AFTERSALES_BENCH_SKIP_SCREENS=1 skips it), the campaign jobs (8) and
# the initial load (AFTERSALES_BENCH_IMPORT_ARGS).
cmd_bench() {
    venv; pg
    (cd "$ROOT" && PATH="$VENV/node/node_modules/.bin:$PATH" "$PY" tests/bench/bench_due_calls.py "$@")
    if [ -z "${AFTERSALES_BENCH_SKIP_SCREENS:-}" ]; then
        cmd_bench_screens ${AFTERSALES_BENCH_SCREENS_ARGS:-}
    fi
    cmd_bench_jobs ${AFTERSALES_BENCH_JOBS_ARGS:-}
    # shellcheck disable=SC2086
    cmd_bench_import ${AFTERSALES_BENCH_IMPORT_ARGS:-}
}

# The initial load of a dealer group: the command against Odoo's standard import on a
# slice, scaled (tests/bench/bench_import.py); ARGS such as --scale 0.01 for a smoke run.
cmd_bench_import() {
    venv; pg
    (cd "$ROOT" && PATH="$VENV/node/node_modules/.bin:$PATH" "$PY" tests/bench/bench_import.py "$@")
}

# The initial load of a dealership (README, "Going live"): FILE is a directory holding
# customers.csv, vehicles.csv and service_history.csv, or one such file; the rejected
# rows go to rejects.csv next to it (REJECTS= to choose).
cmd_import() {
    local file=${1:-}
    [ -n "$file" ] || die "usage: make import FILE=directory-or-file.csv [REJECTS=rejects.csv]"
    [ -e "$file" ] || die "$file does not exist."
    venv; pg
    ensure_db "$DB"
    local args=(--db "$DB" "$file")
    [ -z "${2:-}" ] || args+=(--rejects "$2")
    "$PY" "$ROOT/tools/import_dealership.py" "${args[@]}"
}

# The screens at a dealer group's scale (bench part 7): tests/bench/bench_screens.py.
cmd_bench_screens() {
    venv; pg
    (cd "$ROOT" && "$PY" tests/bench/bench_screens.py "$@")
}

# Campaign letters as queue_job chunk jobs, one job worker against two (real prefork
# servers on $PORT): tests/bench/bench_campaign_jobs.py; ARGS such as --letters 10000.
cmd_bench_jobs() {
    venv; pg
    port_free "$PORT"
    port_free "$((PORT + 10))"
    (cd "$ROOT" && PATH="$VENV/node/node_modules/.bin:$PATH" "$PY" tests/bench/bench_campaign_jobs.py \
        --port "$PORT" "$@")
}

# The load test (tests/load): a production-shaped server on a copy of the demo database,
# locust's simulated staff, the scheduled actions in cron workers, one fault per run.
cmd_loadtest() {
    venv; venv_load; pg
    ensure_db "$DB"
    (cd "$ROOT" && PATH="$VENV/node/node_modules/.bin:$PATH" \
        AFTERSALES_LOAD_PYTHON="$LOAD_VENV/bin/python" \
        "$PY" tests/load/run_load.py --source-db "$DB" "$@")
}

cmd_odoo() { venv; pg; odoo "$@"; }

case "${1:-}" in
    venv) venv ;;
    venv_load) venv_load ;;
    db) venv; pg; ensure_db "$DB" ;;
    server_args) server_args ;;
    pg) pg ;;
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    lint) cmd_lint ;;
    bench) shift; cmd_bench "$@" ;;
    bench-jobs) shift; cmd_bench_jobs "$@" ;;
    bench-import) shift; cmd_bench_import "$@" ;;
    import) shift; cmd_import "$@" ;;
    bench-screens) shift; cmd_bench_screens "$@" ;;
    loadtest) shift; cmd_loadtest "$@" ;;
    odoo) shift; cmd_odoo "$@" ;;
    test-odoo) cmd_test_odoo ;;
    test-core) cmd_test_core ;;
    test-wheels) shift; cmd_test_wheels "$@" ;;
    *) echo "usage: $0 {run|test|lint|bench|bench-jobs|bench-import|bench-screens|import FILE [REJECTS]|venv|pg|odoo ARGS|loadtest|test-odoo|test-core|test-wheels}" >&2; exit 2 ;;
esac
