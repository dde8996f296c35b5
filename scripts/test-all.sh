#!/usr/bin/env bash
# The full test command (npm test): setup, lint, typecheck, build, package, unit, integration, e2e.
set -euo pipefail
cd "$(dirname "$0")/.."

results=test-artifacts/results
rm -rf "$results"
mkdir -p "$results"
passed=0
failed=0
stage_started=$SECONDS

# `timeout` moves itself and the tests into their own process group, out of reach of the
# terminal's Ctrl-C; forward it as SIGTERM, which timeout passes on to that whole group (the e2e
# harness then stops its code-server on the way out).
running=""
on_interrupt() {
  if [[ -n "$running" ]]; then
    kill -TERM "$running" 2>/dev/null || true
    wait "$running" 2>/dev/null || true
  fi
  printf '\ntest-all: interrupted\n' >&2
  summary
  exit 130
}
trap on_interrupt INT TERM

header() {
  stage_started=$SECONDS
  printf '\n===== %s =====\n' "$1"
}

summary() {
  printf '\n%s passed, %s failed\n' "$passed" "$failed"
}

stop_on_failure() {
  printf '\ntest-all: stage "%s" failed after %s s\n' "$1" "$((SECONDS - stage_started))" >&2
  summary
  exit 1
}

# A non-test stage (lint, build, ...) counts as one check, so the summary never reads
# "0 failed" for a run that stopped early.
step() {
  local name="$1"
  shift
  header "$name"
  if "$@"; then
    passed=$((passed + 1))
    printf -- '--- %s ok (%s s)\n' "$name" "$((SECONDS - stage_started))"
  else
    failed=$((failed + 1))
    stop_on_failure "$name"
  fi
}

# Sums one TAP summary line ("# pass N") from a node --test report; 0 if absent.
tap_count() {
  local key="$1" file="$2"
  awk -v key="$key" '$1 == "#" && $2 == key && $3 ~ /^[0-9]+$/ { n = $3 } END { print n + 0 }' "$file"
}

# Runs node --test on some files: spec to the terminal, TAP to a file whose summary we add up.
# usage: tests NAME WALL_SECONDS TEST_TIMEOUT_MS [node --test options...] -- FILES...
tests() {
  local name="$1" wall="$2" per_test_ms="$3"
  shift 3
  local options=()
  while [[ "$1" != -- ]]; do options+=("$1"); shift; done
  shift
  header "$name"
  local tap="$results/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').tap"
  local status=0
  # node 20's --test-timeout bounds each test; `timeout` also bounds the whole run in case a
  # file hangs outside any test (e.g. a stuck before hook). It runs in the background so that
  # `wait` lets the INT/TERM trap act at once (see on_interrupt).
  timeout --kill-after=30 "$wall" node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    --test-timeout="$per_test_ms" "${options[@]}" "$@" &
  running=$!
  wait "$running" || status=$?
  running=""
  local pass fail
  pass="$(tap_count pass "$tap")"
  fail="$(($(tap_count fail "$tap") + $(tap_count cancelled "$tap")))"
  # A crash or timeout can leave no summary at all: still count the stage as failed.
  if ((status != 0 && fail == 0)); then fail=1; fi
  passed=$((passed + pass))
  failed=$((failed + fail))
  printf -- '--- %s: %s passed, %s failed (%s s)\n' "$name" "$pass" "$fail" "$((SECONDS - stage_started))"
  ((status == 0)) || stop_on_failure "$name"
}

# node 20 does not expand globs given to --test, so list the files ourselves.
find_tests() {
  [[ -d "$1" ]] || return 0
  find "$1" -name '*.test.js' | sort
}

step setup bash scripts/setup.sh
step lint npm run --silent lint
step typecheck npm run --silent typecheck
# Stale bundles of deleted tests must not run, so out/test is rebuilt from scratch.
rm -rf out/test out/bench
step build node scripts/build.mjs
step package node scripts/package-vsix.mjs

mapfile -t unit < <(find_tests out/test/unit)
mapfile -t webview < <(find_tests out/test/webview)
mapfile -t integration < <(find_tests out/test/integration)
mapfile -t e2e < <(find_tests out/test/e2e)

if ((${#unit[@]})); then tests unit 900 60000 -- "${unit[@]}"; fi
# React component tests (jsdom) and the XSS check in Chromium.
if ((${#webview[@]})); then tests webview 900 120000 --test-concurrency=1 -- "${webview[@]}"; fi
if ((${#integration[@]})); then tests integration 2400 300000 --test-concurrency=1 -- "${integration[@]}"; fi
# One e2e file at a time: code-server, Chromium and Codex processes share two cores.
for file in "${e2e[@]}"; do
  tests "e2e $(basename "$file" .test.js)" 1200 600000 -- "$file"
done

summary
