#!/usr/bin/env bash
# Installs the Debian packages Earshot needs to build and run, when missing.
# Runs as root (as on these machines) or with sudo; otherwise says what to install.
#   scripts/setup.sh              what building, `make demo` and `make test` need
#   scripts/setup.sh --postgres   also PostgreSQL 15's server (postgresql-15), for the PostgreSQL
#                                 store's tests (CI); no cluster is created: the tests start their own
#   scripts/setup.sh --browser    also chromium, chromium-driver and python3-venv, for the dashboard's
#                                 browser test (selenium comes from PyPI: scripts/dashboard-browser-test.sh)
#   (the options combine: scripts/setup.sh --postgres --browser)
set -euo pipefail

packages=(libzmq3-dev libsodium-dev python3-zmq libprotobuf-c-dev protobuf-c-compiler libsqlite3-dev pkg-config python3)
for option in "$@"; do
  case "$option" in
    --postgres) packages+=(postgresql-15) ;;
    --browser) packages+=(chromium chromium-driver python3-venv) ;;
    *) echo "setup: unknown option $option (--postgres, --browser)" >&2; exit 2 ;;
  esac
done
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "setup: missing Debian packages: ${missing[*]}" >&2
  echo "setup: install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  # No "main" cluster on port 5432: the tests run throwaway ones (scripts/postgres-test-cluster.sh).
  $sudo mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
