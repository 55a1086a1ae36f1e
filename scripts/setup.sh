#!/usr/bin/env bash
# Set-up shared by the README's two commands: system packages (Debian/Ubuntu as root), npm ci, build.
# Usage: scripts/setup.sh [--system-packages]
set -euo pipefail
cd "$(dirname "$0")/.."

# What the agent and its tests need from the OS: an X display and window manager for the tests, xdotool to send
# real input, xprop/xwininfo (active-win), xrandr + ImageMagick (screenshot-desktop), xterm as a test window, the
# X11 headers for the native addon, PostgreSQL for the server's tests, Chromium for the end-to-end tests and strace
# (the tests that watch the agent's fsyncs from outside, and npm run bench:saves).
# The Windows lane (tests/integration/wine): wine64 runs the Windows node.exe, and the MinGW posix-thread compiler
# cross-builds the Windows addon. They are the largest part of a first install (~1.3 GB, ~40 s, once per machine);
# the lane itself then makes its Wine prefix and fetches node.exe (npm pack) into .tmp/wine on its first run only.
SYSTEM_PACKAGES=(
  xvfb xdotool openbox x11-utils x11-xserver-utils imagemagick xterm
  libx11-dev libx11-xcb-dev libxext-dev libxtst-dev libxrandr-dev libxss-dev libjpeg-dev
  postgresql chromium fonts-dejavu-core strace python3-aiosmtpd poppler-utils
  wine64 g++-mingw-w64-x86-64-posix
  dbus-daemon libglib2.0-bin python3-dbus python3-gi
  ceph-mon ceph-osd ceph-common radosgw haproxy
  swift-proxy swift-account swift-container swift-object memcached
)

install_system_packages() {
  if [ "$(uname -s)" != "Linux" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: not a Debian/Ubuntu system; install the equivalents of: ${SYSTEM_PACKAGES[*]} (see README)" >&2
    return 0
  fi
  local missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [ "${1:-}" = "--system-packages" ]; then
  install_system_packages
fi

# npm ci when node_modules does not match the lock file (always on a fresh clone).
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.worktrace-lock ] || [ "$(cat node_modules/.worktrace-lock)" != "$lock_hash" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.worktrace-lock
fi

# The native X11 addon: instant when already built; a checkout whose lock did not change still gets it.
node native/scripts/install.mjs

echo "setup: build"
npm run --silent build
