#!/usr/bin/env bash
# Runs a command (e.g. the unit suite) on Node MAJOR: that node first on PATH, so npm, npx, vitest and every
# `node` they start (process.execPath) are it. ssh2's crypto binding and cpu-features are native addons built
# for one Node ABI: they are rebuilt for MAJOR before the command when they do not load on it, and for the
# machine's node afterwards, so the tree is left as it was found.
set -euo pipefail
major=${1:?usage: with-node.sh 20|22|24 COMMAND...}
shift
here=$(dirname "$0")
bin=$(bash "$here/node-runtime.sh" "$major")

# The addons load on the node first on PATH (checked from the project root, where node_modules is).
addons_load() {
  node -e "require('ssh2/lib/protocol/crypto/build/Release/sshcrypto.node'); require('cpu-features')" 2>/dev/null
}

# Rebuilds the addons with the node first on PATH (node-gyp takes the headers npm_config_nodedir names).
rebuild_addons() {
  npm_config_nodedir=$(dirname "$(dirname "$(command -v node)")") npm rebuild --silent ssh2 cpu-features
  addons_load || { echo "with-node.sh: ssh2/cpu-features do not load on $(node --version) after a rebuild" >&2; exit 1; }
}

status=0
(
  export PATH="$bin:$PATH"
  # node-gyp builds against the headers beside this node, never another's (Debian's npm defaults to /usr)
  # and never downloads them: an npm install the command runs builds its addons for this node too.
  npm_config_nodedir=$(dirname "$bin")
  export npm_config_nodedir
  echo "== $* on Node $(node --version)"
  addons_load || rebuild_addons
  "$@"
) || status=$?
addons_load || rebuild_addons
exit "$status"
