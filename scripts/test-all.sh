#!/usr/bin/env bash
# The full test command (npm test): setup, lint, typecheck, build, package, unit, webview, integration, e2e.
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
# Checks running in the background beside other stages (lint, typecheck): pid and name of each.
declare -a background_pids=() background_names=()
stop_background() {
  local pid
  for pid in "${background_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${background_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  background_pids=()
  background_names=()
}
on_interrupt() {
  if [[ -n "$running" ]]; then
    kill -TERM "$running" 2>/dev/null || true
    wait "$running" 2>/dev/null || true
  fi
  stop_background
  printf '\ntest-all: interrupted\n' >&2
  summary
  exit 130
}
trap on_interrupt INT TERM

header() {
  stage_started=$SECONDS
  printf '\n===== %s =====\n' "$1"
}

# "name seconds" of every stage that ended, for the closing line (where the run's time went).
stage_times=()
record_time() {
  stage_times+=("$1 $2 s")
}

summary() {
  if ((${#stage_times[@]})); then printf '\nstage times: %s (total %s s)\n' "$(IFS=,; printf '%s' "${stage_times[*]}" | sed 's/,/, /g')" "$SECONDS"; fi
  printf '\n%s passed, %s failed\n' "$passed" "$failed"
}

stop_on_failure() {
  printf '\ntest-all: stage "%s" failed after %s s\n' "$1" "$((SECONDS - stage_started))" >&2
  stop_background
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
    record_time "$name" "$((SECONDS - stage_started))"
    printf -- '--- %s ok (%s s)\n' "$name" "$((SECONDS - stage_started))"
  else
    failed=$((failed + 1))
    stop_on_failure "$name"
  fi
}

# A check that reads only the sources (lint, typecheck) starts in the background and is collected by
# finish_background, which prints its output and counts it like a step. `timeout` gives it a process
# group of its own that a TERM reaches whole (see on_interrupt).
in_background() {
  local name="$1"
  shift
  local log="$results/$name.log"
  printf 'test-all: %s runs in the background (output: %s)\n' "$name" "$log"
  # $! must be timeout itself (a subshell around it would die on TERM and leave it running); the
  # inner bash writes how long the check took.
  timeout --kill-after=30 900 bash -c 'started=$SECONDS; status=0; "${@:2}" || status=$?; echo $((SECONDS - started)) >"$1"; exit $status' \
    _ "$log.seconds" "$@" >"$log" 2>&1 &
  background_pids+=("$!")
  background_names+=("$name")
}

finish_background() {
  local i name status
  for i in "${!background_pids[@]}"; do
    name="${background_names[$i]}"
    status=0
    wait "${background_pids[$i]}" || status=$?
    header "$name"
    cat "$results/$name.log"
    local took
    took="$(cat "$results/$name.log.seconds" 2>/dev/null || echo '?')"
    if ((status == 0)); then
      passed=$((passed + 1))
      record_time "$name" "$took"
      printf -- '--- %s ok (%s s, in the background)\n' "$name" "$took"
    else
      failed=$((failed + 1))
      [[ "$took" =~ ^[0-9]+$ ]] && stage_started=$((SECONDS - took))
      background_pids=("${background_pids[@]:i+1}")
      background_names=("${background_names[@]:i+1}")
      stop_on_failure "$name"
    fi
  done
  background_pids=()
  background_names=()
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
  record_time "$name" "$((SECONDS - stage_started))"
  printf -- '--- %s: %s passed, %s failed (%s s)\n' "$name" "$pass" "$fail" "$((SECONDS - stage_started))"
  ((status == 0)) || stop_on_failure "$name"
}

step setup bash scripts/setup.sh
# Lint and typecheck read only the sources and each keeps one core busy: they run beside build,
# package, unit and webview (one core each) and are collected before integration, whose timing they
# must not disturb.
in_background lint npm run --silent lint
in_background typecheck npm run --silent typecheck
# Stale bundles of deleted tests must not run, so out/test is rebuilt from scratch.
rm -rf out/test out/bench
step build node scripts/build.mjs
step package node scripts/package-vsix.mjs

# Groups of files and how many run at once: scripts/test-plan.mjs (README "Developing" says what each runs).
# Each line: concurrency, group name, files.
# (The plan is read first, so that a failing plan stops the run; fd 3, so no test reads it as stdin.)
plan() {
  node scripts/test-plan.mjs "$1"
}
run_groups() {
  local kind="$1" wall="$2" per_test_ms="$3" groups concurrency name files
  groups="$(plan "$kind")"
  while IFS=$'\t' read -r -u 3 concurrency name files; do
    [[ -n "$files" ]] || continue
    local options=()
    ((concurrency > 0)) && options+=("--test-concurrency=$concurrency")
    # shellcheck disable=SC2086 # files are paths without spaces under out/test
    tests "$name" "$wall" "$per_test_ms" "${options[@]}" -- $files
  done 3<<<"$groups"
}

run_groups unit 900 60000
# React component tests (jsdom) and the XSS check in Chromium.
run_groups webview 900 120000
finish_background
# Node 20 applies --test-timeout to each file as a whole too, and files that share the machine take
# longer than alone: 600 s bounds a file; each integration test states its own, shorter timeout.
run_groups integration 2400 600000
# One e2e file at a time: code-server, Chromium and Codex processes share two cores.
e2e_groups="$(plan e2e)"
while IFS=$'\t' read -r -u 3 _ _ files; do
  for file in $files; do
    tests "e2e $(basename "$file" .test.js)" 1200 600000 -- "$file"
  done
done 3<<<"$e2e_groups"

summary
