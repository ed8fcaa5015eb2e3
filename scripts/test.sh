#!/usr/bin/env bash
# `npm test`: every level, in order of cost. Brings up the test bed first (packages, engine, Chromium), or stops at
# once with the one command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Test bed: system packages, container engine, Chromium"
bash e2e/testbed/ensure-testbed.sh

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
