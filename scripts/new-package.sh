#!/usr/bin/env bash
# Scaffolds packages/<name> with the layout every @pmcp package shares.
set -euo pipefail
name=$1; desc=$2
dir=packages/$name
mkdir -p "$dir/src"
cat > "$dir/package.json" <<JSON
{
  "name": "@pmcp/$name",
  "version": "0.1.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "engines": { "node": ">=22" },
  "exports": {
    ".": {
      "@pmcp/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    },
    "./package.json": "./package.json"
  },
  "files": ["dist", "src", "!src/**/*.test.ts", "!src/**/*.test-d.ts"],
  "scripts": {
    "build": "tsdown",
    "typecheck": "tsc -p tsconfig.json",
    "publint": "publint"
  },
  "devDependencies": {
    "publint": "catalog:",
    "tsdown": "catalog:",
    "typescript": "catalog:"
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "include": ["src"]
}
JSON
cat > "$dir/tsdown.config.ts" <<TS
import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'neutral',
  dts: true,
  sourcemap: true,
  clean: true,
});
TS
[ -f "$dir/src/index.ts" ] || printf '/** @module %s */\nexport {};\n' "$desc" > "$dir/src/index.ts"
