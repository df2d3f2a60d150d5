#!/usr/bin/env bash
# The smart-card reader stack for tests: pcscd with vsmartcard's vpcd driver, which adds two
# virtual readers, "Virtual PCD 00 00" (TCP port 35963) and "Virtual PCD 00 01" (35964). A
# virtual card (target/debug/imza-vcard) inserts itself by connecting to one of those ports.
#
# Usage: bash scripts/card-env.sh start    install what is missing (as root), start pcscd if
#                                          none runs, wait (10 s at most) for the readers
#        bash scripts/card-env.sh stop     stop the pcscd that `start` started (pid file)
#        bash scripts/card-env.sh status   list the readers
#
# Files: $TARGET/pcscd.log (pcscd's output, with APDUs), $TARGET/pcscd.pid, where TARGET is
# $CARGO_TARGET_DIR or target/.
#
# Readiness is checked by listing readers (opensc-tool -l, else pcsc_scan -r), never by
# connecting to the vpcd ports: vpcd takes any connection for a card insertion.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES="pcscd libpcsclite1 vsmartcard-vpcd opensc"
TARGET=${CARGO_TARGET_DIR:-target}
LOG=$TARGET/pcscd.log
PIDFILE=$TARGET/pcscd.pid
VPCD_CONF=/etc/reader.conf.d/vpcd
WAIT_SECONDS=10

say() { printf 'card-env: %s\n' "$*"; }
die() {
    printf 'card-env: %s\n' "$*" >&2
    exit 1
}

vpcd_driver() {
    # The path reader.conf.d/vpcd names (Debian: /usr/lib/pcsc/drivers/serial/libifdvpcd.so).
    [ -f "$VPCD_CONF" ] || return 1
    local lib
    lib=$(awk '$1 == "LIBPATH" { print $2 }' "$VPCD_CONF" | head -n 1)
    [ -n "$lib" ] && [ -f "$lib" ]
}

lister() {
    if command -v opensc-tool >/dev/null 2>&1; then
        echo opensc-tool
    elif command -v pcsc_scan >/dev/null 2>&1; then
        echo pcsc_scan
    fi
}

missing() {
    local m=()
    command -v pcscd >/dev/null 2>&1 || m+=("pcscd")
    vpcd_driver || m+=("vpcd driver ($VPCD_CONF)")
    [ -n "$(lister)" ] || m+=("opensc-tool or pcsc_scan")
    # The client library imza loads at run time (no -dev package: nothing links it).
    ldconfig -p 2>/dev/null | grep 'libpcsclite\.so\.1 ' >/dev/null || m+=("libpcsclite1")
    echo "${m[*]:-}"
}

ensure_packages() {
    local m
    m=$(missing)
    [ -z "$m" ] && return 0
    say "missing: $m"
    if [ "$(id -u)" != 0 ]; then
        die "not root, cannot install; run as root: apt-get install -y --no-install-recommends $PACKAGES"
    fi
    command -v apt-get >/dev/null 2>&1 || die "no apt-get; install the equivalents of: $PACKAGES"
    say "apt-get install -y --no-install-recommends $PACKAGES"
    # shellcheck disable=SC2086
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES; then
        say "apt-get update, then again"
        apt-get update
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES
    fi
    m=$(missing)
    [ -z "$m" ] || die "still missing after installing: $m"
}

# The pid this script started, if that process is still a pcscd.
our_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid
    pid=$(cat "$PIDFILE")
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = pcscd ] && echo "$pid"
}

readers() {
    case $(lister) in
    opensc-tool) opensc-tool -l 2>&1 || true ;;
    # pcsc_scan -r lists the readers and exits.
    pcsc_scan) pcsc_scan -r 2>&1 || true ;;
    esac
}

wait_for_readers() {
    local deadline=$((SECONDS + WAIT_SECONDS)) out
    say "waiting up to ${WAIT_SECONDS}s for the vpcd readers ($(lister))"
    while :; do
        out=$(readers)
        if grep -q "Virtual PCD 00 00" <<<"$out"; then
            say "readers:"
            printf '%s\n' "$out" | sed 's/^/    /'
            return 0
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            printf '%s\n' "$out" >&2
            [ -f "$LOG" ] && tail -n 20 "$LOG" >&2
            die "no \"Virtual PCD\" reader after ${WAIT_SECONDS}s (a pcscd started before vpcd was installed does not know it: stop it and start again)"
        fi
        sleep 0.2
    done
}

start() {
    ensure_packages
    mkdir -p "$TARGET"
    local pid
    if pid=$(our_pid); then
        say "pcscd already running (pid $pid, started by this script)"
    elif pid=$(pgrep -x pcscd | head -n 1) && [ -n "$pid" ]; then
        say "pcscd already running (pid $pid, not started by this script: using it, stop will leave it)"
        rm -f "$PIDFILE"
    else
        say "starting pcscd -f -a (log $LOG)"
        pcscd -f -a >"$LOG" 2>&1 </dev/null &
        pid=$!
        echo "$pid" >"$PIDFILE"
        sleep 0.2
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PIDFILE"
            cat "$LOG" >&2
            die "pcscd exited at once"
        fi
        say "pcscd started, pid $pid (pid file $PIDFILE)"
    fi
    wait_for_readers
}

stop() {
    local pid
    if ! pid=$(our_pid); then
        if [ -f "$PIDFILE" ]; then
            say "pcscd from $PIDFILE ($(cat "$PIDFILE")) is not running"
            rm -f "$PIDFILE"
        else
            say "no $PIDFILE: no pcscd started by this script, nothing to stop"
        fi
        return 0
    fi
    say "stopping pcscd (pid $pid)"
    kill -TERM "$pid"

    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "pcscd did not stop in 5s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
    say "stopped"
}

case ${1:-} in
start) start ;;
stop) stop ;;
status)
    [ -n "$(lister)" ] || die "neither opensc-tool nor pcsc_scan is installed"
    readers
    ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 64
    ;;
esac
