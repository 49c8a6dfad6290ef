#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks: system packages (CJK fonts, chromium, poppler,
# gettext, the libraries WeasyPrint needs), uv, and the project's virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PKGS="fonts-noto-cjk fonts-arphic-uming fonts-dejavu-core chromium poppler-utils gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libreoffice-calc-nogui redis-server"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "[bootstrap] apt-get install$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "[bootstrap] installing uv"
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet --break-system-packages uv
  export PATH="$HOME/.local/bin:$PATH"
fi
uv sync --frozen --quiet
