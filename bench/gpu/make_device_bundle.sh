#!/usr/bin/env bash
# Packs .device/ for bench/gpu/run_device_checks.sh with the shared bundler, caching every
# entry point the device run imports (the device reaches no registry). Run from the root.
set -euo pipefail
bundler=${QN_MAKE_BUNDLE:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/device/make-bundle.sh}
[ -f "$bundler" ] || bundler=/work/shared/device/make-bundle.sh
exec bash "$bundler" \
  bench/gpu/smoke.ts bench/run.ts bench/gpu.ts tasks/train.ts \
  plugins/backend-cuda/backend_test.ts plugins/backend-cuda/mod.ts \
  plugins/backend-webgpu/backend_test.ts plugins/backend-webgpu/mod.ts
