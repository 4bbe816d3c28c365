#!/usr/bin/env bash
# Every GPU check of issue #17 in ONE device call, logs under $OUT (~8 min at most).
#
# Here (where the npm registry is reachable), from the project root:
#   bash bench/gpu/make_device_bundle.sh          # packs .device/ (not committed)
# Then with the device tool, one call (carry .device; timeout_s 560):
#   source .device/unpack.sh && bash bench/gpu/run_device_checks.sh
#
# Steps, each with its own time limit so that one hang leaves the others:
#   0. environment (nvidia-smi, versions, library discovery)      ~10 s
#   1. smoke: open the cuda backend, 7 ops against cpu            ≤ 60 s
#   2. the cuda test suite (QUADRANET_REQUIRE_CUDA=1)             ≤ 120 s
#   3. the webgpu tests on the NVIDIA Vulkan adapter              ≤ 45 s
#   4. deno task train --quick --backend cuda                     ≤ 120 s
#   5. deno task bench --gpu                                      ≤ 200 s
set -uo pipefail
OUT=${OUT:-/tmp/qn-gpu-out}
mkdir -p "$OUT"
summary=$OUT/summary.txt
: > "$summary"
export NO_COLOR=1 QUADRANET_REQUIRE_CUDA=1 QN_NODE_MODULES_MANUAL=1
FLAGS=(-A --unstable-webgpu --node-modules-dir=manual)
# the bundle is slimmed to the *.node.js bundles (no .d.ts): tests run without type checking
TEST=(deno test --no-check "${FLAGS[@]}")

# cuDNN 9 lives in the python venv (pip's nvidia-cudnn); its shim loads its sub-libraries
# by name, so their folder goes on LD_LIBRARY_PATH before Deno starts.
cudnn_dir=$(python3 -c 'import nvidia.cudnn as m, os; print(os.path.join(list(m.__path__)[0], "lib"))' 2>/dev/null || true)
if [ -n "$cudnn_dir" ] && [ -d "$cudnn_dir" ]; then
  export LD_LIBRARY_PATH=$cudnn_dir:${LD_LIBRARY_PATH:-}
fi

step() { # step NAME SECONDS COMMAND...
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS
  echo "== $name (limit ${limit}s)"
  timeout -k 5 "$limit" "$@" > "$OUT/$name.log" 2>&1
  local rc=$?
  echo "$name: rc=$rc, $((SECONDS - t0)) s" | tee -a "$summary"
  tail -n 25 "$OUT/$name.log"
}

{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1
  deno --version | head -1
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())' 2>&1
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  command -v g++ nvcc || true
} > "$OUT/environment.log" 2>&1
cat "$OUT/environment.log"

step smoke 60 deno run "${FLAGS[@]}" bench/gpu/smoke.ts
step cuda-tests 120 "${TEST[@]}" plugins/backend-cuda/
step webgpu-tests 45 env QUADRANET_REQUIRE_WEBGPU=1 "${TEST[@]}" plugins/backend-webgpu/
step train-quick 120 deno run "${FLAGS[@]}" tasks/train.ts --quick --backend cuda --runs-dir /tmp/qn-runs
# the reports and summaries only (checkpoints stay behind)
find /tmp/qn-runs -name 'report.md' -o -name 'summary.json' 2>/dev/null | while read -r f; do
  mkdir -p "$OUT/runs/$(basename "$(dirname "$f")")" && cp "$f" "$OUT/runs/$(basename "$(dirname "$f")")/"
done
step bench-gpu 200 deno run "${FLAGS[@]}" bench/run.ts --gpu
echo "== summary"; cat "$summary"
