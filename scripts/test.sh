#!/usr/bin/env bash
# The whole test suite from nothing: system packages (Debian as root), npm ci, build, lint, type-check, tests.
# Tests start what they need themselves (Xvfb + openbox, PostgreSQL, Wine with the Windows node.exe for the Windows
# native core: tests/integration/wine); in CI a missing tool fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --system-packages
echo "test: lint"
npm run --silent lint
echo "test: type-check tests and benchmarks"
npx tsc -p tests
npx tsc -p server/tests
npx tsc -p bench
echo "test: vitest"
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
# One plain closing line, whatever the runner printed above.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit "$status"
