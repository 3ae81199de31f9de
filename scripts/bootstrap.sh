#!/usr/bin/env bash
# Creates .venv and installs the pinned dependencies. Idempotent; used by `make`.
# On a fresh Debian machine it also installs the venv module if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-$(command -v python3.11 || command -v python3)}"
extras="${1:-}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "Cần quyền root để cài gói hệ thống: $*" >&2; return 1; fi; }

# WeasyPrint (certificates, official documents) draws with Debian's Pango and needs a
# Unicode font with Vietnamese glyphs.
if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || [ ! -d /usr/share/fonts/truetype/dejavu ]; then
  echo "Cài Pango và phông DejaVu (Debian)…"
  as_root apt-get update -qq
  as_root apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "Cài python3-venv (Debian)…"
    as_root apt-get update -qq
    as_root apt-get install -y -qq python3-venv >/dev/null
    "$PY" -m venv .venv
  fi
fi
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  touch "$stamp"
fi
