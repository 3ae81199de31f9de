#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it once if it is missing.
set -euo pipefail
command -v chromium >/dev/null && exit 0
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "Cài Chromium (Debian) cho kiểm thử giao diện…"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
