#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the test suite.
#
#   scripts/pg-test-server.sh start    initialise (first time) and start; no-op if running
#   scripts/pg-test-server.sh stop     fast shutdown; no-op if not running
#   scripts/pg-test-server.sh status   exit 0 if running, 3 if not
#   scripts/pg-test-server.sh url      print the connection URL
#
# Environment:
#   PG_TEST_DIR   data directory (default: $PWD/var/pg-test, or
#                 /tmp/portal-pg-test-<uid> when the postgres user cannot
#                 reach the working directory)
#   PG_TEST_PORT  TCP port on 127.0.0.1 (default: 55432)
set -euo pipefail
umask 022

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
port=${PG_TEST_PORT:-55432}
pg_user=postgres

die() {
    echo "pg-test-server: $*" >&2
    exit 1
}

say() {
    echo "pg-test-server: $*" >&2
}

abspath() {
    case $1 in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s\n' "$PWD/$1" ;;
    esac
}

# Data directories to consider, in order of preference.
candidates=()
explicit_dir=0
if [[ -n ${PG_TEST_DIR:-} ]]; then
    candidates=("$(abspath "$PG_TEST_DIR")")
    explicit_dir=1
else
    candidates=("$PWD/var/pg-test" "/tmp/portal-pg-test-$(id -u)")
fi

# Run a command as the cluster owner (postgres when root, else ourselves),
# from / so an unreadable working directory does not matter.
as_owner() {
    if ((EUID == 0)); then
        (cd / && runuser -u "$pg_user" -- "$@")
    else
        (cd / && "$@")
    fi
}

# PIDs of postgres processes whose working directory is the data dir
# (the postmaster and all its children chdir there).
cluster_pids() {
    local dir proc pid cwd comm
    dir=$(readlink -f "$1" 2>/dev/null) || return 0
    for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        comm=$(cat "$proc/comm" 2>/dev/null) || continue
        [[ $comm == postgres || $comm == postmaster ]] || continue
        cwd=$(readlink "$proc/cwd" 2>/dev/null) || continue
        [[ $cwd == "$dir" ]] && echo "$pid"
    done
    return 0
}

# True when the postmaster recorded in DIR/postmaster.pid is alive and
# really serves DIR (a recycled PID does not count).
is_running() {
    local dir=$1 pid
    [[ -f $dir/postmaster.pid ]] || return 1
    pid=$(head -n 1 "$dir/postmaster.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ $'\n'$(cluster_pids "$dir")$'\n' == *$'\n'$pid$'\n'* ]]
}

# Value of line N of DIR/postmaster.pid.
pidfile_line() {
    sed -n "${2}p" "$1/postmaster.pid" 2>/dev/null || true
}

running_dir() {
    local dir
    for dir in "${candidates[@]}"; do
        if is_running "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

# Directory containing initdb/pg_ctl. Prefers the major version an existing
# cluster in DIR was created with, else the newest installed.
find_bindir() {
    local dir=$1 want="" d best=""
    [[ -f $dir/PG_VERSION ]] && want=$(<"$dir/PG_VERSION")
    if [[ -n $want && -x /usr/lib/postgresql/$want/bin/pg_ctl ]]; then
        printf '%s\n' "/usr/lib/postgresql/$want/bin"
        return 0
    fi
    while IFS= read -r d; do
        [[ -x $d/initdb && -x $d/pg_ctl ]] && best=$d
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
    [[ -n $best ]] || return 1
    printf '%s\n' "$best"
}

# Can the cluster owner reach (search) the nearest existing ancestor of PATH?
owner_can_reach() {
    local p=$1
    while [[ ! -e $p ]]; do
        p=$(dirname "$p")
    done
    as_owner test -d "$p" && as_owner test -x "$p"
}

# Create DIR (if needed) owned by the cluster owner; fail if the owner could
# not use it.
prepare_dir() {
    local dir=$1
    owner_can_reach "$(dirname "$dir")" || return 1
    mkdir -p "$dir" 2>/dev/null || return 1
    if ((EUID == 0)); then
        chown "$pg_user:" "$dir" 2>/dev/null || return 1
    fi
    chmod 700 "$dir" 2>/dev/null || return 1
    as_owner test -w "$dir" && as_owner test -x "$dir"
}

# Unix socket directory: the data dir unless its path is too long for a
# socket address, then a private directory under /tmp.
socket_dir_for() {
    local dir=$1 sock
    if ((${#dir} + 24 < 100)); then
        printf '%s\n' "$dir"
        return 0
    fi
    sock=/tmp/portal-pg-sock-$(id -u)
    mkdir -p "$sock"
    if ((EUID == 0)); then
        chown "$pg_user:" "$sock"
    fi
    chmod 700 "$sock"
    printf '%s\n' "$sock"
}

# Remove leftovers of a postmaster that died without shutting down.
clear_stale() {
    local dir=$1 sock pids
    pids=$(cluster_pids "$dir")
    if [[ -n $pids ]]; then
        say "terminating leftover server processes in $dir"
        # shellcheck disable=SC2086
        kill -QUIT $pids 2>/dev/null || true
        for _ in $(seq 50); do
            [[ -z $(cluster_pids "$dir") ]] && break
            sleep 0.1
        done
        pids=$(cluster_pids "$dir")
        # shellcheck disable=SC2086
        [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
        sleep 0.2
    fi
    if [[ -f $dir/postmaster.pid ]]; then
        sock=$(pidfile_line "$dir" 5)
        say "removing stale postmaster.pid in $dir"
        if [[ -n $sock ]]; then
            rm -f "$sock/.s.PGSQL.$(pidfile_line "$dir" 4).lock" \
                "$sock/.s.PGSQL.$(pidfile_line "$dir" 4)"
        fi
        rm -f "$dir/postmaster.pid"
    fi
}

cmd_start() {
    local dir="" cand bindir sockdir logfile version locale_opt

    if dir=$(running_dir); then
        say "already running on port $(pidfile_line "$dir" 4) (data: $dir)"
        return 0
    fi

    "$script_dir/ensure-system-packages.sh" postgresql
    getent passwd "$pg_user" >/dev/null || die "system user '$pg_user' does not exist"

    dir=""
    for cand in "${candidates[@]}"; do
        if prepare_dir "$cand"; then
            dir=$cand
            break
        fi
        if ((explicit_dir)); then
            die "PG_TEST_DIR=$cand is not usable by the '$pg_user' user"
        fi
    done
    [[ -n $dir ]] || die "no usable data directory among: ${candidates[*]}"

    bindir=$(find_bindir "$dir") || die "no initdb/pg_ctl found under /usr/lib/postgresql/*/bin"
    version=$(basename "$(dirname "$bindir")")

    if [[ -f $dir/PG_VERSION && $(<"$dir/PG_VERSION") != "$version" ]]; then
        say "discarding cluster from PostgreSQL $(<"$dir/PG_VERSION") in $dir"
        clear_stale "$dir"
        find "$dir" -mindepth 1 -delete
    fi

    clear_stale "$dir"

    if [[ ! -f $dir/PG_VERSION ]]; then
        if [[ $'\n'$(locale -a 2>/dev/null)$'\n' =~ $'\n'[Cc]\.(utf8|UTF-8)$'\n' ]]; then
            locale_opt=--locale=C.UTF-8
        else
            locale_opt=--no-locale
        fi
        say "initialising PostgreSQL $version cluster in $dir"
        as_owner "$bindir/initdb" -A trust -U postgres -D "$dir" \
            --encoding=UTF8 "$locale_opt" --no-sync >/dev/null
    fi

    sockdir=$(socket_dir_for "$dir")
    logfile=$dir/server.log
    if ! as_owner "$bindir/pg_ctl" -w -D "$dir" -l "$logfile" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $(printf %q "$sockdir") -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
        echo "--- $logfile (last lines) ---" >&2
        tail -n 30 "$logfile" >&2 2>/dev/null || true
        die "could not start PostgreSQL on port $port"
    fi
    say "running on port $port (data: $dir)"
}

cmd_stop() {
    local dir bindir stopped=0
    for dir in "${candidates[@]}"; do
        is_running "$dir" || continue
        if bindir=$(find_bindir "$dir"); then
            as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
        else
            kill -INT "$(pidfile_line "$dir" 1)"
        fi
        say "stopped (data: $dir)"
        stopped=1
    done
    ((stopped)) || say "not running"
}

cmd_status() {
    local dir
    if dir=$(running_dir); then
        echo "running on port $(pidfile_line "$dir" 4) (data: $dir)"
    else
        echo "not running"
        return 3
    fi
}

cmd_url() {
    printf 'postgres://postgres@127.0.0.1:%s/postgres\n' "$port"
}

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) cmd_url ;;
    *)
        echo "usage: $0 start|stop|status|url" >&2
        exit 2
        ;;
esac
