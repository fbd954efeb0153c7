#!/usr/bin/env bash
# Proves README.md's promise on a truly fresh machine: builds a minimal Debian 12 (bookworm)
# root with debootstrap in a scratch folder, copies a clean clone of this repository into it
# and, inside it (chroot, as root), runs the README's prerequisite (apt-get install make), then
# `make test`, then `make run` in the background: /healthz must answer 200 and the portal must
# list the procedures. Every step is timed; a summary is printed at the end.
#
# Not part of `make test` (it downloads ~1 GB and takes most of an hour on 2 cores). Run it as
# root on a Debian or Ubuntu machine (debootstrap is installed with apt-get when missing):
#
#   sudo scripts/fresh-debian-check.sh [--working-tree] [--keep] [--port N] [--dir DIR]
#
#   --working-tree  copy the working tree's files (tracked and untracked, not ignored) instead
#                   of `git clone` (committed work only)
#   --keep          keep the Debian root afterwards (it is deleted otherwise)
#   --port N        the port `make run` listens on (default 5099)
#   --dir DIR       the scratch folder (default: a new one under ${TMPDIR:-/var/tmp})
#
# On a network whose proxy inspects TLS (its certificate authority in this machine's
# /usr/local/share/ca-certificates), pip and npm inside the root are given this machine's CA
# bundle (PIP_CERT, NODE_EXTRA_CA_CERTS), as an administrator would set up a new machine there;
# nothing else of this machine's set-up is carried over.
#
# The mirror is the Debian mirror this machine's apt uses (/etc/apt/sources.list*). Inside the
# root there is no PostgreSQL server: TEST_DATABASE_URL is unset, so `make test` runs every
# database test on SQLite and skips the PostgreSQL half with a reason (-rs lists the reasons).
# Exit status 0 when every step passed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
working_tree=0
keep=0
port=5099
scratch=
while [ $# -gt 0 ]; do
  case "$1" in
    --working-tree) working_tree=1 ;;
    --keep) keep=1 ;;
    --port) port=$2; shift ;;
    --dir) scratch=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "run it as root (debootstrap, mount and chroot need it)" >&2; exit 2; }
case "$port" in ''|*[!0-9]*) echo "--port must be a number" >&2; exit 2 ;; esac

if [ -z "$scratch" ]; then
  scratch=$(mktemp -d "${TMPDIR:-/var/tmp}/formsvc-fresh-debian.XXXXXX")
else
  mkdir -p "$scratch"
fi
scratch=$(cd "$scratch" && pwd)
root=$scratch/root
app=/root/formsvc
run_log=$scratch/make-run.log
test_log=$scratch/make-test.log

# --- timing and the summary -------------------------------------------------------------------
summary=()
failed=0
step() {  # step NAME COMMAND...: run it, time it, record the outcome, never stop the script
  local name=$1 started=$SECONDS status=0
  shift
  echo "=== $name"
  "$@" || status=$?
  local elapsed=$((SECONDS - started)) outcome=ok
  if [ $status -ne 0 ]; then outcome="FAILED (exit $status)"; failed=1; fi
  summary+=("$(printf '%-44s %6d s  %s' "$name" "$elapsed" "$outcome")")
  echo "=== $name: $outcome ($elapsed s)"
  return $status
}
print_summary() {
  echo
  echo "Summary (fresh Debian 12 root in $root):"
  local line
  for line in "${summary[@]}"; do echo "  $line"; done
}

# --- mounts and clean-up ----------------------------------------------------------------------
mounted() { awk -v prefix="$root/" '{ gsub(/\\040/, " ", $2) } index($2 "/", prefix) == 1 { print $2 }' /proc/mounts; }
processes_inside() {  # the processes whose root is the Debian root (the server, a chromium…)
  local proc
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/root" 2>/dev/null)" = "$root" ] && echo "${proc#/proc/}"
  done
  return 0
}
cleanup() {
  local status=$? pids mount_point
  trap - EXIT INT TERM
  [ ${#summary[@]} -eq 0 ] || print_summary
  pids=$(processes_inside)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null || true
    sleep 2
    pids=$(processes_inside)
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  fi
  # Innermost first (sort -r), so /dev/pts goes before /dev.
  for mount_point in $(mounted | sort -r); do
    umount "$mount_point" 2>/dev/null || umount -l "$mount_point" || true
  done
  if [ -n "$(mounted)" ]; then
    echo "still mounted under $root (not deleted):" >&2
    mounted >&2
  elif [ $keep -eq 0 ] && [ -d "$root" ]; then
    rm -rf "$root"
    echo "deleted $root (logs kept in $scratch)"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A clean environment, as root's login shell has on a new machine (and the CA bundle, above).
clean_environment=(HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
host_ca=/etc/formsvc-check-host-ca.crt
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  clean_environment+=(PIP_CERT=$host_ca NODE_EXTRA_CA_CERTS=$host_ca)
fi
inside() {  # run a shell command in the Debian root as root
  env -i "${clean_environment[@]}" chroot "$root" /bin/bash -c "$1"
}

# --- the steps --------------------------------------------------------------------------------
debian_mirror() {  # the first Debian archive (not -security) in this machine's apt sources
  local found
  found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -E '^[[:space:]]*(deb[[:space:]]|URIs:)' | grep -oE 'https?://[^ ]+' \
    | grep -vE 'security' | grep -E '/debian/?$' | head -n 1 || true)
  echo "${found:-http://deb.debian.org/debian}"
}
security_mirror() {
  local found
  found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -E '^[[:space:]]*(deb[[:space:]]|URIs:)' | grep -oE 'https?://[^ ]+/debian-security/?' | head -n 1 || true)
  echo "${found:-http://deb.debian.org/debian-security}"
}

install_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

build_root() {
  local mirror
  mirror=$(debian_mirror)
  echo "mirror: $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$scratch/debootstrap.log" 2>&1 \
    || { tail -n 20 "$scratch/debootstrap.log" >&2; return 1; }
  # As a fresh installation has them: the point releases' updates and security updates.
  cat >"$root/etc/apt/sources.list" <<EOF || return 1
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $(security_mirror) bookworm-security main
EOF
  cp /etc/resolv.conf "$root/etc/resolv.conf" || return 1
  if [[ " ${clean_environment[*]} " == *" PIP_CERT="* ]]; then
    cp /etc/ssl/certs/ca-certificates.crt "$root$host_ca" && echo "this machine's CA bundle: $host_ca" || return 1
  fi
  echo "Debian root: $(du -sh "$root" | cut -f1)"
}

copy_repository() {
  mkdir -p "$root$app"
  if [ $working_tree -eq 1 ]; then
    # The working tree's files as they are (not .venv, node_modules, instance/…: git-ignored).
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard \
      | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$root$app"
  else
    git clone --quiet "$repo" "$root$app" || return 1
    rm -rf "$root$app/.git"  # no git inside: the clone's files are what a newcomer gets
  fi
  echo "copied $(find "$root$app" -type f | wc -l) files"
}

mount_filesystems() {
  # (Called from step's `||`: set -e does not apply here, hence the &&.)
  mount -t proc proc "$root/proc" && mount -t sysfs sysfs "$root/sys" &&
    mount --bind /dev "$root/dev" && mount --bind /dev/pts "$root/dev/pts" &&
    mount --bind /dev/shm "$root/dev/shm"  # chromium's shared memory
}

install_make() {  # README.md's one prerequisite, exactly as written there
  inside 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make >/dev/null && make --version | head -n 1'
}

make_test() {
  # -rs: list why tests were skipped (the PostgreSQL half: no TEST_DATABASE_URL here).
  inside "cd $app && make test PYTEST_ARGS=-rs" 2>&1 | tee "$test_log"
  local status=${PIPESTATUS[0]}
  echo "pytest: $(grep -E '^=+ .*(passed|failed|error).* =+$' "$test_log" | tail -n 1)"
  return "$status"
}

make_run() {
  # setsid: its own process group, so that stopping it stops make and the server.
  setsid env -i "${clean_environment[@]}" chroot "$root" /bin/bash -c "cd $app && exec make run PORT=$port" \
    >"$run_log" 2>&1 &
  local group=$! waited=0 health=
  while [ $waited -lt 600 ]; do
    health=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)
    [ "$health" = 200 ] && break
    kill -0 "$group" 2>/dev/null || { echo "make run stopped:" >&2; tail -n 30 "$run_log" >&2; return 1; }
    sleep 2
    waited=$((waited + 2))
  done
  echo "/healthz answered $health after ${waited} s"
  local status=0
  if [ "$health" != 200 ]; then
    status=1
  else
    local portal
    portal=$(curl -s "http://127.0.0.1:$port/")
    for title in 住民票の写し等の交付請求 児童手当; do
      if grep -q "$title" <<<"$portal"; then echo "portal lists: $title"; else echo "portal lacks: $title" >&2; status=1; fi
    done
  fi
  echo "--- make run's output:"
  cat "$run_log"
  kill -- "-$group" 2>/dev/null || true
  wait "$group" 2>/dev/null || true
  return $status
}

echo "scratch folder: $scratch (logs: debootstrap.log, make-test.log, make-run.log)"
step "install debootstrap on this machine" install_debootstrap || exit 1
step "debootstrap --variant=minbase bookworm" build_root || exit 1
step "copy the repository ($([ $working_tree -eq 1 ] && echo working tree || echo git clone))" copy_repository || exit 1
step "mount /proc, /sys, /dev" mount_filesystems || exit 1
step "apt-get install make (the prerequisite)" install_make || exit 1
step "make test" make_test || true
step "make run: /healthz and the portal" make_run || true
exit $failed
