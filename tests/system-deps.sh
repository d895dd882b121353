#!/usr/bin/env bash
# What `make test` needs besides Rust: Debian's Chromium (browser tests) and the PostgreSQL
# server programs (the tests run their own throw-away servers with initdb; no cluster, no
# role needed). Installs what is missing when it can (root with apt-get), otherwise says
# in one message what to install, and fails.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "make test: installing the system packages the tests need: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

echo "make test: the tests need these system packages, which are missing: ${missing[*]}." >&2
echo "  Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run make test again." >&2
exit 1
