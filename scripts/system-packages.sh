#!/usr/bin/env bash
# Install the Debian packages formsvc needs, when missing: everything `make run` and `make test`
# use on a minimal Debian 12 (bookworm), `make` itself aside (README.md: the one prerequisite).
# As root it runs apt-get; otherwise it prints the apt-get line to run (as root) and carries on:
# the Makefile then stops at the first tool still missing, the tests skip what they cannot run.
# Prints one line: what it installed and how long it took, or nothing when all is there.
set -euo pipefail

started=$SECONDS
python=${PYTHON:-python3.11}
packages=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0  # WeasyPrint
  fonts-morisawa-bizud-gothic                                          # BIZ UD Gothic for records
  chromium                                                             # browser tests (Playwright)
  libatomic1                                                           # Playwright's own Node.js
)
# Python 3.11 with its venv module. A Python built elsewhere (/usr/local, pyenv…) brings its
# own venv; Debian's python3.11 (a file of a Debian package) needs python3.11-venv for
# `python3.11 -m venv` (ensurepip).
if ! command -v "$python" >/dev/null; then
  packages+=(python3.11 python3.11-venv)
elif dpkg-query -S "$(readlink -f "$(command -v "$python")")" >/dev/null 2>&1; then
  packages+=(python3.11-venv)
fi
# npm installs axe-core for the accessibility tests. Any Node.js with npm will do (this
# machine's may come from elsewhere than Debian): Debian's are only added when none is found.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]} …"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # apt's progress goes to a file, shown only if it fails; its errors (stderr) stay on the
  # terminal, but for debconf's note that apt-utils is missing (every minimal Debian says it).
  log=$(mktemp)
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" \
      2> >(grep -v '^debconf: delaying package configuration, since apt-utils is not installed' >&2); then
    tail -n 20 "$log" >&2
    rm -f "$log"
    echo "apt-get install failed (see above)" >&2
    exit 1
  fi
  rm -f "$log"
  echo "Debian packages installed ($((SECONDS - started)) s)"
else
  echo "Missing Debian packages. Install them as root (e.g. with sudo) with:" >&2
  echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
fi
