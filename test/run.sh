#!/usr/bin/env bash
# `npm test`: the server tests (on PGlite, and on PostgreSQL too when DATABASE_URL is set), the
# widget tests in Chromium, and the end-to-end test of the built demo. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${DATABASE_URL:-}" ]; then
  echo "Database tests run on PGlite and on PostgreSQL ($(echo "$DATABASE_URL" | sed -E 's#//[^@/]*@#//#'))."
else
  echo "Database tests run on PGlite only; set DATABASE_URL to a PostgreSQL server to run them there too."
fi

echo "== server tests"
# shellcheck disable=SC2046  # the file list is meant to split into arguments
LOG_LEVEL=silent node --import tsx --test --test-concurrency=2 $(find server shared test/server -name '*.test.ts' | sort)

echo "== widget tests (Chromium)"
node test/check-chromium.mjs
npx wtr

echo "== end-to-end test of the demo (Chromium)"
npx vite build --logLevel warn
LOG_LEVEL=silent node --import tsx --test $(find test/e2e -name '*.test.ts' | sort)
