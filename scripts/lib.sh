# shellcheck shell=bash
# Helpers shared by scripts/test and scripts/quickstart. Source it; do not run it.
#
# Every ensure_* function is idempotent and quiet when there is nothing to do. When it has to act
# (install a package, start dockerd, build the test image) it says so in one line on stderr. On
# failure it prints `error: ...` on stderr and returns non-zero, so it works both under `set -e`
# and in `if ensure_x; then ...`.
#
# Settings (environment):
#   RSRC_TEST_IMAGE    local test image (default rsrc-test-busybox:latest)
#   RSRC_DOCKERD_LOG   where a dockerd started by us logs (default /var/log/rsrc-dockerd.log)
#   RSRC_BUSYBOX       static busybox put into the test image (default /bin/busybox)
#   RSRC_TEST_PYTHON   a python that can import aiosmtpd (found or made by ensure_python_smtp)

RSRC_REPO="${RSRC_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
RSRC_TEST_IMAGE="${RSRC_TEST_IMAGE:-rsrc-test-busybox:latest}"
RSRC_DOCKERD_LOG="${RSRC_DOCKERD_LOG:-/var/log/rsrc-dockerd.log}"
RSRC_BUSYBOX="${RSRC_BUSYBOX:-/bin/busybox}"
export RSRC_REPO RSRC_TEST_IMAGE

rsrc_note() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
rsrc_err() { printf 'error: %s\n' "$*" >&2; }

# Runs "$@" as root: directly when we are root, through sudo when it can run without a prompt.
rsrc_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        rsrc_err "this step needs root: $*"
        return 1
    fi
}

rsrc_pkg_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# Installs what the tests need and is missing: the Docker engine, a static busybox for the test
# image, Docker's registry (tests push/pull through a loopback registry) and python3-venv.
ensure_packages() {
    local missing=()
    # Any engine will do (docker.io, docker-ce); installing docker.io next to docker-ce conflicts.
    if ! command -v dockerd >/dev/null 2>&1; then
        missing+=(docker.io)
    fi
    # The test image needs a static busybox; Debian's dynamic `busybox` would not run in it.
    if [ "$RSRC_BUSYBOX" = /bin/busybox ] && ! rsrc_pkg_installed busybox-static; then
        missing+=(busybox-static)
    fi
    if ! command -v docker-registry >/dev/null 2>&1; then
        missing+=(docker-registry)
    fi
    if ! command -v python3 >/dev/null 2>&1; then
        missing+=(python3 python3-venv)
    elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1 && ! rsrc_pkg_installed python3-venv; then
        missing+=(python3-venv)
    fi
    [ "${#missing[@]}" -eq 0 ] && return 0

    if ! command -v apt-get >/dev/null 2>&1; then
        rsrc_err "missing packages (${missing[*]}) and no apt-get to install them"
        return 1
    fi
    rsrc_note "installing ${missing[*]}"
    local log
    log="$(mktemp)" || return 1
    if ! rsrc_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
        ! rsrc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        rsrc_err "apt-get install ${missing[*]} failed"
        return 1
    fi
    rm -f "$log"
}

# The docker CLI can be newer than the engine (here: /usr/local/bin/docker 28.x against Debian's
# 20.10 engine, API 1.41). The CLI negotiates the API version by itself; pin DOCKER_API_VERSION
# only if a plain `docker version` still fails with a version error.
rsrc_docker_cli_check() {
    local out api
    if out="$(docker version 2>&1)"; then
        return 0
    fi
    if [ -z "${DOCKER_API_VERSION:-}" ] && printf '%s' "$out" | grep -qi 'version.*too new\|client version'; then
        api="$(rsrc_engine_api_version 2>/dev/null || true)"
        api="${api:-1.41}"
        export DOCKER_API_VERSION="$api"
        if docker version >/dev/null 2>&1; then
            rsrc_note "docker CLI is newer than the engine; using DOCKER_API_VERSION=$api"
            return 0
        fi
        unset DOCKER_API_VERSION
    fi
    printf '%s\n' "$out" | tail -n 5 >&2
    rsrc_err "the docker CLI ($(command -v docker)) does not work against the engine"
    return 1
}

# The engine's API version, read from `docker version`'s server part (which the CLI prints even
# when the client side is refused).
rsrc_engine_api_version() {
    docker version --format '{{.Server.APIVersion}}' 2>/dev/null | grep -E '^[0-9]+\.[0-9]+$'
}

# Makes sure a Docker engine answers. Starts one if none runs: through systemd when it is PID 1,
# otherwise `dockerd` in the background (it starts its own containerd). Waits up to 60 s.
rsrc_start_dockerd() {
    local dockerd
    dockerd="$(command -v dockerd || true)"
    dockerd="${dockerd:-/usr/sbin/dockerd}"
    if [ ! -x "$dockerd" ]; then
        rsrc_err "dockerd not found (install docker.io)"
        return 1
    fi
    rsrc_note "starting dockerd (log: $RSRC_DOCKERD_LOG)"
    # setsid + nohup: dockerd must outlive this script and not get its Ctrl-C.
    rsrc_as_root setsid nohup "$dockerd" >>"$RSRC_DOCKERD_LOG" 2>&1 </dev/null &
    disown 2>/dev/null || true
    # Give it a moment to appear in the process list before the caller looks again.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        pgrep -x dockerd >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 0
}

ensure_dockerd() {
    if ! command -v docker >/dev/null 2>&1; then
        rsrc_err "no docker CLI on PATH (install docker.io)"
        return 1
    fi
    if docker info >/dev/null 2>&1; then
        rsrc_docker_cli_check
        return
    fi
    case "${DOCKER_HOST:-unix:///var/run/docker.sock}" in
        unix:///var/run/docker.sock | unix:///run/docker.sock) ;;
        *)
            rsrc_err "DOCKER_HOST=$DOCKER_HOST does not answer (docker info failed); not starting a local dockerd"
            return 1
            ;;
    esac

    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 &&
        systemctl cat docker.service >/dev/null 2>&1; then
        rsrc_note "starting docker.service"
        rsrc_as_root systemctl start docker.service || true
    elif pgrep -x dockerd >/dev/null 2>&1; then
        : # starting up, or shutting down: the loop below starts one if it goes away
    else
        rsrc_start_dockerd || return 1
    fi

    local deadline=$((SECONDS + 60))
    until docker info >/dev/null 2>&1; do
        if ! pgrep -x dockerd >/dev/null 2>&1 && ! [ -d /run/systemd/system ]; then
            # The dockerd we waited for exited (e.g. one that was being killed): start our own.
            rsrc_start_dockerd || return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            if [ -r "$RSRC_DOCKERD_LOG" ]; then
                tail -n 20 "$RSRC_DOCKERD_LOG" >&2
            fi
            rsrc_err "the Docker engine did not come up within 60 s (see $RSRC_DOCKERD_LOG)"
            return 1
        fi
        sleep 0.5
    done
    rsrc_docker_cli_check
}

# Makes aiosmtpd importable and exports RSRC_TEST_PYTHON, a python that has it. Prefers an
# already working RSRC_TEST_PYTHON, then a venv at target/py-venv (made with pip from PyPI), then
# Debian's python3-aiosmtpd with /usr/bin/python3.
ensure_python_smtp() {
    local venv="$RSRC_REPO/target/py-venv"
    local py
    for py in "${RSRC_TEST_PYTHON:-}" "$venv/bin/python"; do
        if [ -n "$py" ] && [ -x "$py" ] && "$py" -c 'import aiosmtpd' >/dev/null 2>&1; then
            export RSRC_TEST_PYTHON="$py"
            return 0
        fi
    done

    rsrc_note "creating $venv with aiosmtpd"
    local log base
    log="$(mktemp)" || return 1
    mkdir -p "$RSRC_REPO/target" || return 1
    for base in python3 /usr/bin/python3; do
        command -v "$base" >/dev/null 2>&1 || continue
        if "$base" -m venv --clear "$venv" >>"$log" 2>&1 &&
            "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
                'aiosmtpd>=1.4,<2' >>"$log" 2>&1 &&
            "$venv/bin/python" -c 'import aiosmtpd' >>"$log" 2>&1; then
            rm -f "$log"
            export RSRC_TEST_PYTHON="$venv/bin/python"
            return 0
        fi
    done
    rm -rf "$venv"

    # No PyPI: Debian's package works with Debian's python.
    if [ -x /usr/bin/python3 ] && command -v apt-get >/dev/null 2>&1; then
        rsrc_note "pip failed; trying Debian's python3-aiosmtpd"
        if rsrc_pkg_installed python3-aiosmtpd ||
            { rsrc_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$log" 2>&1 &&
                rsrc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
                    --no-install-recommends python3-aiosmtpd >>"$log" 2>&1; }; then
            if /usr/bin/python3 -c 'import aiosmtpd' >>"$log" 2>&1; then
                rm -f "$log"
                export RSRC_TEST_PYTHON=/usr/bin/python3
                return 0
            fi
        fi
    fi
    tail -n 20 "$log" >&2
    rm -f "$log"
    rsrc_err "could not make aiosmtpd importable (pip install aiosmtpd failed)"
    return 1
}

# Builds the local test image (no registry is reachable, so it is made from Debian's static
# busybox with `docker import`). The image has no Cmd: callers always pass one.
ensure_test_image() {
    if docker image inspect "$RSRC_TEST_IMAGE" >/dev/null 2>&1; then
        return 0
    fi
    if [ ! -x "$RSRC_BUSYBOX" ]; then
        rsrc_err "$RSRC_BUSYBOX not found (install busybox-static)"
        return 1
    fi
    rsrc_note "building $RSRC_TEST_IMAGE from $RSRC_BUSYBOX"
    local tmp
    tmp="$(mktemp -d)" || return 1
    if ! rsrc_build_test_image "$tmp/rootfs"; then
        rm -rf "$tmp"
        rsrc_err "building $RSRC_TEST_IMAGE failed"
        return 1
    fi
    rm -rf "$tmp"

    local out
    out="$(docker run --rm "$RSRC_TEST_IMAGE" /bin/sh -c 'echo ok' 2>&1)" || true
    if [ "$out" != ok ]; then
        printf '%s\n' "$out" >&2
        rsrc_err "$RSRC_TEST_IMAGE does not run: docker run --rm $RSRC_TEST_IMAGE /bin/sh -c 'echo ok' printed the above"
        return 1
    fi
}

# Writes the root file system into $1 and imports it. Written with explicit `|| return 1`
# because `set -e` is ignored inside functions called from a condition.
rsrc_build_test_image() {
    local rootfs="$1" applets applet
    mkdir -p "$rootfs" || return 1
    (cd "$rootfs" && mkdir -p bin etc root www proc sys dev usr var/log tmp) || return 1
    chmod 1777 "$rootfs/tmp" && chmod 0700 "$rootfs/root" || return 1
    cp "$RSRC_BUSYBOX" "$rootfs/bin/busybox" && chmod 0755 "$rootfs/bin/busybox" || return 1
    applets="$("$RSRC_BUSYBOX" --list)" || return 1
    for applet in $applets; do
        case "$applet" in
            busybox | */*) ;;
            *) ln -sf busybox "$rootfs/bin/$applet" || return 1 ;;
        esac
    done
    # Scripts that say /usr/bin/env or /sbin/... find the applets too.
    ln -s bin "$rootfs/sbin" && ln -s ../bin "$rootfs/usr/bin" && ln -s ../bin "$rootfs/usr/sbin" ||
        return 1
    printf '%s\n' \
        'root:x:0:0:root:/root:/bin/sh' \
        'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$rootfs/etc/passwd" || return 1
    printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$rootfs/etc/group" || return 1
    printf '%s\n' '<!doctype html>' '<title>rsrc test</title>' '<p>hello from rsrc-test-busybox</p>' \
        >"$rootfs/www/index.html" || return 1
    local -
    set -o pipefail
    tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
        docker import --message "rsrc test image (busybox-static)" - "$RSRC_TEST_IMAGE" >/dev/null
}

# The Debian mirror apt uses here (deb822 or one-line sources), for debootstrap.
rsrc_debian_mirror() {
    local mirror
    mirror="$(sed -n 's|^URIs:[[:space:]]*\(http[^[:space:]]*/debian\)/*$|\1|p' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)"
    if [ -z "$mirror" ]; then
        mirror="$(sed -n 's|^deb[[:space:]]\{1,\}\(http[^[:space:]]*/debian\)/*[[:space:]].*|\1|p' \
            /etc/apt/sources.list 2>/dev/null | head -n 1)"
    fi
    printf '%s\n' "${mirror:-http://deb.debian.org/debian}"
}

# A Debian root with systemd for booting under systemd-nspawn (daemon/tests/systemd.rs), made
# once at $1 (default target/systemd-root) and reused: the tests boot it with --volatile=overlay,
# so it stays as debootstrap left it. Installs debootstrap and systemd-container when missing.
# Callers that race (two tests at once) take turns on a lock, and the root is made under another
# name and renamed when whole, so a kill at any step leaves no half-made root behind the name.
ensure_systemd_root() {
    local root="${1:-$RSRC_REPO/target/systemd-root}"
    [ -e "$root/.complete" ] && return 0
    mkdir -p -- "$(dirname -- "$root")" || return 1
    (
        flock 9 || exit 1
        [ -e "$root/.complete" ] && exit 0
        make_systemd_root "$root"
    ) 9>"$root.lock"
}

# The unlocked half of ensure_systemd_root.
make_systemd_root() {
    local root="$1" missing=()
    command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
    command -v systemd-nspawn >/dev/null 2>&1 || missing+=(systemd-container)
    if [ "${#missing[@]}" -gt 0 ]; then
        rsrc_note "installing ${missing[*]}"
        rsrc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
            { rsrc_err "apt-get install ${missing[*]} failed"; return 1; }
    fi
    local mirror log building="$root.new" attempt
    mirror="$(rsrc_debian_mirror)"
    log="$(mktemp)" || return 1
    rsrc_note "making a Debian root with systemd at $root (about a minute, once)"
    # A mirror that drops a connection once should not fail the whole suite.
    for attempt in 1 2; do
        rsrc_as_root rm -rf -- "$building" "$root"
        if rsrc_as_root debootstrap --variant=minbase \
            --include=systemd,systemd-sysv,dbus,python3-minimal,socat,passwd,libpam-systemd \
            bookworm "$building" "$mirror" >"$log" 2>&1; then
            break
        fi
        tail -n 20 "$log" >&2
        if [ "$attempt" -eq 2 ]; then
            rm -f "$log"
            rsrc_as_root rm -rf -- "$building"
            rsrc_err "debootstrap into $building failed"
            return 1
        fi
        rsrc_note "debootstrap failed; trying once more"
    done
    rm -f "$log"
    rsrc_as_root touch "$building/.complete" && rsrc_as_root mv -T -- "$building" "$root"
}

# The demo service images rsrc-demo/redis:7 and rsrc-demo/postgres:15 (daemon/tests/
# real_services.rs, contrib/machines/{redis,postgres}.toml), built by scripts/images from
# Debian's packages. Seconds when they are up to date; a few minutes on a fresh machine (the
# roots are cached in /var/cache/rsrc-images). scripts/images takes its own lock.
ensure_demo_images() {
    "$RSRC_REPO/scripts/images" all
}
