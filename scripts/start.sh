#!/usr/bin/env bash
# The main job: set up, then track time locally in the foreground (Ctrl-C stops and saves).
# Extra arguments go to `worktrace track`, e.g. scripts/start.sh --screenshots on --memo "Design review".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
exec node dist/main/cli/bin.js track --local "$@"
