#!/usr/bin/env bash
# Install the Debian packages formsvc needs, when missing. As root it runs apt-get;
# otherwise it prints the command to run and carries on (the affected tests will say why).
set -euo pipefail

packages=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0  # WeasyPrint
  fonts-morisawa-bizud-gothic                                          # BIZ UD Gothic for records
  chromium                                                             # browser tests (Playwright)
)
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
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
fi
