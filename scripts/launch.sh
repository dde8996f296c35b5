#!/usr/bin/env bash
# The launch command (npm start): builds Quartet and serves it in code-server on a sample repo.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

usage() {
  cat <<'EOF'
usage: npm start [-- --no-open]   (or: bash scripts/launch.sh [--no-open])

Builds and packages Quartet, then serves VS Code (code-server) with Quartet installed on
http://127.0.0.1:PORT, opened on a sample repository. Stays in the foreground; Ctrl-C stops it.

  --no-open                do not open a browser (one opens only when $DISPLAY is set anyway)
  QUARTET_PORT=N           preferred port (default 8080; a free one is used if it is taken)
  QUARTET_SAMPLE_REPO=DIR  repository to open (default ~/quartet-sample, created once)
  QUARTET_LAUNCH_SMOKE=1   start everything, check the URL answers 200, print OK, stop

Without OPENAI_API_KEY or a Codex login (CODEX_HOME/auth.json), attempts run against the
offline demo model that ships with Quartet.
EOF
}

open_browser=yes
for arg in "$@"; do
  case "$arg" in
    --no-open) open_browser=no ;;
    -h | --help) usage; exit 0 ;;
    *) printf 'launch: unknown option %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
  esac
done
smoke="${QUARTET_LAUNCH_SMOKE:-0}"
[[ "$smoke" == 1 ]] && open_browser=no

say() { printf 'quartet: %s\n' "$*"; }

state="$HOME/.quartet"
cs_home="$state/code-server"
mkdir -p "$state" "$cs_home"

# --- teardown: everything started below is stopped on any exit ---------------------------------
code_server_pid=""
demo_pid=""

stop_group() {
  local pid="$1" waited=0
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  while kill -0 -- "-$pid" 2>/dev/null && ((waited < 50)); do sleep 0.1; waited=$((waited + 1)); done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

cleanup() {
  trap - EXIT INT TERM
  if [[ -n "$code_server_pid" ]]; then stop_group "$code_server_pid"; fi
  # The window's supervisor outlives windows by design; Ctrl-C here means "stop Quartet", so it goes too
  # (running attempts end "interrupted"; Resume continues them next time).
  if [[ -n "${sample:-}" && -f dist/cli.js ]]; then timeout 20 node dist/cli.js supervisor stop --repo "$sample" >/dev/null 2>&1 || true; fi
  if [[ -n "$demo_pid" ]]; then stop_group "$demo_pid"; fi
  code_server_pid=""
  demo_pid=""
}
trap cleanup EXIT
trap 'echo; say "stopping"; exit 130' INT
trap 'exit 143' TERM

# --- build ----------------------------------------------------------------------------------------
bash scripts/setup.sh
say "building"
node scripts/build.mjs
if ! package_log="$(node scripts/package-vsix.mjs 2>&1)"; then
  printf '%s\n' "$package_log" >&2
  exit 1
fi
vsix="$root/out/quartet.vsix"

# --- sample repository (created once) ------------------------------------------------------------
sample="${QUARTET_SAMPLE_REPO:-$HOME/quartet-sample}"
if [[ ! -d "$sample/.git" ]]; then
  if [[ -d "$sample" && -n "$(ls -A "$sample")" ]]; then
    say "$sample exists but is not a git repository; set QUARTET_SAMPLE_REPO to another folder" >&2
    exit 1
  fi
  mkdir -p "$sample"
  if [[ -d demo/sample-repo ]]; then
    cp -R demo/sample-repo/. "$sample/"
  else
    printf '# Quartet sample\n\nA small repository to try Quartet on.\n' >"$sample/README.md"
  fi
  git -C "$sample" init -q -b main
  git -C "$sample" add -A
  git -C "$sample" -c user.name=Quartet -c user.email=quartet@localhost commit -q -m "Sample repository for Quartet"
  say "created the sample repository $sample"
fi
sample="$(cd "$sample" && pwd)"

# --- model: the user's Codex account, else the offline demo model ---------------------------------
# codex comes from the pinned @openai/codex devDependency unless the user has their own on PATH.
# VS Code's server gives the extension host a login shell's PATH — not this one, where `npm start`
# put node_modules/.bin — so always hand the extension the absolute path of the codex found here.
if [[ -z "${QUARTET_CODEX:-}" ]]; then
  found="$(command -v codex 2>/dev/null || true)"
  [[ "$found" == /* ]] || found="$root/node_modules/.bin/codex"
  QUARTET_CODEX="$found"
fi
export QUARTET_CODEX
export PATH="$root/node_modules/.bin:$PATH"
say "using codex at $QUARTET_CODEX"
if [[ -n "${OPENAI_API_KEY:-}" || -f "${CODEX_HOME:-$HOME/.codex}/auth.json" ]]; then
  say "using Codex with your OpenAI credentials"
else
  demo_home="$state/demo-codex-home"
  demo_out="$state/demo-server.out"
  : >"$demo_out"
  # setsid: its own process group, so Ctrl-C reaches it only through our cleanup, in order.
  setsid node dist/demoServer.js --port 0 --step-delay-ms 800 --codex-home "$demo_home" \
    >"$demo_out" 2>"$state/demo-server.log" </dev/null &
  demo_pid=$!
  demo_url=""
  for _ in $(seq 100); do
    demo_url="$(head -n 1 "$demo_out" | sed -n 's/.*"url":"\([^"]*\)".*/\1/p')"
    [[ -n "$demo_url" ]] && break
    kill -0 "$demo_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$demo_url" ]]; then
    say "the demo model did not start; see $state/demo-server.log" >&2
    exit 1
  fi
  export CODEX_HOME="$demo_home"
  say "Using the offline demo model (no OpenAI account found) at $demo_url"
fi

# --- code-server ----------------------------------------------------------------------------------
code_server="$root/tools/code-server/node_modules/.bin/code-server"
dirs=(--user-data-dir "$cs_home/user-data" --extensions-dir "$cs_home/extensions")
settings="$cs_home/user-data/User/settings.json"
# Written once: later changes the user makes in the settings UI are theirs to keep.
if [[ ! -f "$settings" ]]; then
  mkdir -p "$(dirname "$settings")"
  cat >"$settings" <<'EOF'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "security.workspace.trust.enabled": false,
  "chat.disableAIFeatures": true
}
EOF
fi
# An empty gallery keeps code-server off the marketplace.
export EXTENSIONS_GALLERY='{}'
# --force: the version number stays the same across local builds, the contents do not.
"$code_server" --config /dev/null "${dirs[@]}" --install-extension "$vsix" --force >"$cs_home/install.log" 2>&1 ||
  { cat "$cs_home/install.log" >&2; exit 1; }

port="$(node -e '
  const net = require("node:net");
  const tryPort = (p) => {
    const s = net.createServer().once("error", () => tryPort(0));
    s.listen(p, "127.0.0.1", () => { const got = s.address().port; s.close(() => console.log(got)); });
  };
  tryPort(Number(process.argv[1]));' "${QUARTET_PORT:-8080}")"

cs_log="$cs_home/code-server.log"
setsid "$code_server" --config /dev/null --bind-addr "127.0.0.1:$port" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "${dirs[@]}" "$sample" >"$cs_log" 2>&1 </dev/null &
code_server_pid=$!
listening=no
for _ in $(seq 600); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then listening=yes; break; fi
  kill -0 "$code_server_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ "$listening" != yes ]]; then
  tail -n 40 "$cs_log" >&2
  say "code-server did not start; full log: $cs_log" >&2
  exit 1
fi

url="http://127.0.0.1:$port/?folder=$sample"

if [[ "$smoke" == 1 ]]; then
  for _ in $(seq 300); do
    status="$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)"
    [[ "$status" == 200 ]] && break
    sleep 0.1
  done
  if [[ "$status" != 200 ]]; then
    say "$url answered $status; log: $cs_log" >&2
    exit 1
  fi
  say "Quartet is running: $url"
  echo OK
  exit 0
fi

say "Quartet is running: $url"
say "code-server log: $cs_log — press Ctrl-C to stop"
if [[ "$open_browser" == yes && -n "${DISPLAY:-}" ]]; then
  if command -v chromium >/dev/null; then
    sandbox=()
    # Chromium refuses to run as root with its sandbox on.
    [[ "$(id -u)" == 0 ]] && sandbox=(--no-sandbox)
    setsid chromium "${sandbox[@]}" --new-window "$url" >/dev/null 2>&1 </dev/null &
  elif command -v xdg-open >/dev/null; then
    setsid xdg-open "$url" >/dev/null 2>&1 </dev/null &
  fi
fi

# Foreground until code-server ends or Ctrl-C (the trap stops everything).
status=0
wait "$code_server_pid" || status=$?
say "code-server exited ($status); log: $cs_log"
exit "$status"
