#!/usr/bin/env bash
# Installs everything Quartet needs to build, test and launch offline; idempotent and quick when done.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

say() { printf 'setup: %s\n' "$*"; }

# --- apt packages -----------------------------------------------------------------------------
# chromium drives the workbench in tests; libkrb5-dev, build-essential and pkg-config let
# code-server's native modules compile (their prebuilt downloads fail offline); ripgrep stands in
# for @vscode/ripgrep's GitHub download; git is Quartet's substrate; bubblewrap is the Linux sandbox
# Codex confines agents (and Quartet's checks) with — without it Codex warns on every attempt;
# openssh-server gives the worker-host tests real sshd "hosts" on 127.0.0.1 (the client comes with it;
# where systemd runs, Debian also enables its own sshd on port 22 — the tests never use that one).
apt_packages=(chromium libkrb5-dev ripgrep build-essential pkg-config git bubblewrap openssh-server)
missing=()
for pkg in "${apt_packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  say "apt packages present"
elif ! command -v apt-get >/dev/null; then
  say "missing ${missing[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
else
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || { say "need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  say "installing apt packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$node_major" == 20 ]] || say "warning: Node $node_major found; code-server 4.100.3 needs Node 20" >&2

# --- npm projects -----------------------------------------------------------------------------
# node_modules counts as fresh when a marker is newer than package-lock.json (package.json when
# there is no lock yet; edits to package.json's other fields must not trigger a reinstall): our
# stamp, written after a successful install, or, if allowed, npm's own hidden lock file, so that a
# tree someone installed by hand is not wiped and reinstalled for nothing.
# Our stamp holds the lock file's hash, so a fresh clone (every file newer than any stamp) whose
# node_modules came along (copied, or linked from another checkout) is recognized without reinstalling.
lock_hash() {
  local source="$1/package-lock.json"
  [[ -f "$source" ]] || source="$1/package.json"
  sha256sum "$source" | cut -d' ' -f1
}

is_fresh() {
  local dir="$1" accept_npm_marker="$2" marker source="$1/package-lock.json"
  [[ -f "$source" ]] || source="$dir/package.json"
  [[ "$(cat "$dir/node_modules/.quartet-setup-stamp" 2>/dev/null)" == "$(lock_hash "$dir")" ]] && return 0
  for marker in "$dir/node_modules/.quartet-setup-stamp" "$dir/node_modules/.package-lock.json"; do
    [[ -f "$marker" && ! "$source" -nt "$marker" ]] && return 0
    [[ "$accept_npm_marker" == yes ]] || return 1
  done
  return 1
}

npm_install() {
  local dir="$1" label="$2" started=$SECONDS
  # npm ci empties node_modules first, following a link: into another checkout's tree, which it would
  # wipe while that checkout uses it. Refuse and say what to do instead.
  if [[ -L "$dir/node_modules" ]]; then
    say "$label: node_modules is a link to $(readlink "$dir/node_modules") and does not match package-lock.json; not reinstalling through it (remove the link to install here)" >&2
    return 1
  fi
  if [[ -f "$dir/package-lock.json" ]]; then
    say "$label: npm ci"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  else
    say "$label: npm install (no package-lock.json yet)"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
  fi
  lock_hash "$dir" >"$dir/node_modules/.quartet-setup-stamp"
  say "$label dependencies installed in $((SECONDS - started)) s"
}

# @vscode/ripgrep (inside code-server) downloads rg from GitHub in its postinstall and fails
# offline. It first looks for a "cached download" in $TMPDIR, so we seed that cache with Debian's
# rg under every release tag the code-server tree asks for.
seed_ripgrep_cache() {
  local cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  local tag
  mkdir -p "$cache"
  for tag in v13.0.0-10 v13.0.0-13 v14.1.1-1 v13.0.0-4; do
    local archive="$cache/ripgrep-$tag-$(uname -m)-unknown-linux-musl.tar.gz"
    [[ -s "$archive" ]] || tar -czf "$archive" -C /usr/bin rg
  done
}

code_server_dir="$root/tools/code-server"
# The two trees are independent: from a fresh clone both install at once (the root's mostly unpacks,
# code-server's mostly compiles native modules), which saves the shorter of the two. code-server's
# output goes to a log printed when it is done, so the two never interleave.
code_server_pid=""
code_server_log="$(mktemp)"
# If the root install fails, wait for code-server's rather than leave it running on its own.
trap '[[ -z "$code_server_pid" ]] || wait "$code_server_pid" || true; rm -f "$code_server_log"' EXIT
# Only our stamp counts here: code-server's postinstall compiles native modules and can fail after
# npm has already written its own markers.
if is_fresh "$code_server_dir" no && [[ -x "$code_server_dir/node_modules/.bin/code-server" ]]; then
  say "code-server present"
else
  seed_ripgrep_cache
  say "code-server: installing in the background"
  npm_install "$code_server_dir" "code-server" >"$code_server_log" 2>&1 &
  code_server_pid=$!
fi

if is_fresh "$root" yes; then say "quartet dependencies up to date"; else npm_install "$root" "quartet"; fi

if [[ -n "$code_server_pid" ]]; then
  status=0
  wait "$code_server_pid" || status=$?
  code_server_pid=""
  cat "$code_server_log"
  ((status == 0)) || { say "code-server install failed (exit $status)" >&2; exit "$status"; }
fi
say "ready"
