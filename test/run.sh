#!/usr/bin/env bash
# `npm test`: the server tests (on PGlite, and on PostgreSQL too when DATABASE_URL is set), the
# widget tests in Chromium, and the end-to-end test of the built demo. Stops at the first failure
# and ends with one line counting every test that ran.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ -n "${DATABASE_URL:-}" ]; then
  echo "Database tests run on PGlite and on PostgreSQL ($(echo "$DATABASE_URL" | sed -E 's#//[^@/]*@#//#'))."
else
  echo "Database tests run on PGlite only; set DATABASE_URL to a PostgreSQL server to run them there too."
fi

echo "== server tests"
# shellcheck disable=SC2046  # the file list is meant to split into arguments
LOG_LEVEL=silent node --import tsx --test --test-concurrency=2 \
  $(find server shared test/server -name '*.test.ts' | sort) | tee -a "$log"

echo "== widget tests (Chromium)"
node test/check-chromium.mjs
npx wtr | tee -a "$log"

echo "== end-to-end tests: the demo, the built package, framework and CSP hosts (Chromium)"
npx vite build --logLevel warn
npm run -s build:types
# shellcheck disable=SC2046
LOG_LEVEL=silent node --import tsx --test $(find test/e2e -name '*.test.ts' | sort) | tee -a "$log"

# node's runner ends with "# pass N" / "# fail N"; web-test-runner with "N passed, N failed".
node_pass=$(awk '/^# pass /{s+=$3} END{print s+0}' "$log")
node_fail=$(awk '/^# fail /{s+=$3} END{print s+0}' "$log")
wtr_line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | sed -E 's/.*\| ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/')
wtr_pass=${wtr_line% *}
wtr_fail=${wtr_line#* }
echo "$((node_pass + wtr_pass)) passed, $((node_fail + wtr_fail)) failed"
