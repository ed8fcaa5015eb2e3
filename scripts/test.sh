#!/usr/bin/env bash
# `npm test`: every level, in order of cost. Brings up the engine and the browser it needs, or says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Test bed: container engine and Chromium"
bash e2e/testbed/ensure-engine.sh
bash e2e/testbed/ensure-chromium.sh

step "Lint"
npx eslint --max-warnings 0 .
step "Typecheck"
npm run --silent typecheck
step "Unit tests"
npx vitest run --project unit
step "Build"
npm run --silent build
step "Integration tests (real engine, stand-in image)"
npx vitest run --project integration
step "End-to-end tests (real UI in Chromium through the web host; Electron where a binary exists)"
# Electron windows need a display: use a virtual one when there is none.
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a --server-args="-screen 0 1280x1024x24" npx playwright test
else
  npx playwright test
fi
