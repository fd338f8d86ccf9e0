#!/usr/bin/env bash
# GPU probe: what Dawn (the webgpu backend) finds on this machine, then the quickstart on
# --backend webgpu and --backend wasm side by side. Meant for an NVIDIA machine without network
# (the target known: an H200 with a CUDA 13 driver); nothing here needs the network.
#
#   bench/gpu-probe.sh --prepare   on a machine WITH network (Debian/Ubuntu x64), fills the
#                                  git-ignored .gpu-probe/ folder: Debian's libvulkan1 (the
#                                  Vulkan loader, unpacked), and node_modules.tar.xz: a
#                                  production node_modules (webgpu's linux-x64 binary only)
#                                  plus dist/, the compiled mfx that bin/mfx.js runs.
#   bench/gpu-probe.sh             on the GPU machine, from the repository root, with
#                                  .gpu-probe/ copied along (e.g. the device tool's `carry`).
# Environment: PROBE_TRAIN_SUBSET (default 10000), PROBE_TEST_SUBSET (default 2000), OUT (where
# the run folders go; default a temporary directory).
set -uo pipefail
cd "$(dirname "$0")/.."
PROBE=.gpu-probe

if [ "${1:-}" = "--prepare" ]; then
  set -e
  rm -rf "$PROBE" && mkdir -p "$PROBE/debs" "$PROBE/vulkan"
  (cd "$PROBE/debs" && apt-get download libvulkan1)
  for deb in "$PROBE"/debs/*.deb; do dpkg-deb -x "$deb" "$PROBE/vulkan"; done
  npm run build >/dev/null # dist/, from this working tree's sources
  tmp=$(mktemp -d)
  cp package.json package-lock.json "$tmp/"
  (cd "$tmp" && npm ci --omit=dev --no-audit --no-fund --ignore-scripts)
  # Dawn ships a binary per platform; only linux-x64 is needed there.
  find "$tmp/node_modules/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
  # Installed without their install scripts, tfjs-node(-gpu) lack libtensorflow: drop them.
  rm -rf "$tmp/node_modules/@tensorflow/tfjs-node" "$tmp/node_modules/@tensorflow/tfjs-node-gpu"
  cp -r dist "$tmp/dist"
  tar -C "$tmp" -cJf "$PROBE/node_modules.tar.xz" node_modules dist
  rm -rf "$tmp"
  du -sh "$PROBE"/*
  exit 0
fi

section() { printf '\n== %s\n' "$1"; }

section "machine"
uname -srm
node --version || { echo "node is not installed: the probe needs Node 20 or later"; exit 1; }
[ -r /proc/driver/nvidia/version ] && head -1 /proc/driver/nvidia/version || echo "NVIDIA kernel driver: not loaded"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
echo "NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES:-<unset>} (Vulkan in a container needs 'graphics' or 'all')"

section "node_modules"
if { [ ! -d node_modules/webgpu ] || [ ! -f dist/cli/main.js ]; } && [ -f "$PROBE/node_modules.tar.xz" ]; then
  tar -xJf "$PROBE/node_modules.tar.xz" && echo "unpacked node_modules and dist from $PROBE/node_modules.tar.xz"
fi
ls -d node_modules/webgpu node_modules/@tensorflow/tfjs-backend-webgpu dist/cli/main.js || { echo "no node_modules or dist: run npm ci, or bench/gpu-probe.sh --prepare elsewhere"; exit 1; }

section "Vulkan loader"
loader=$(ldconfig -p 2>/dev/null | awk '/libvulkan\.so\.1 /{print $NF; exit}')
if [ -z "$loader" ] && [ -f "$PROBE/vulkan/usr/lib/x86_64-linux-gnu/libvulkan.so.1" ]; then
  export LD_LIBRARY_PATH="$PWD/$PROBE/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  loader="$PWD/$PROBE/vulkan/usr/lib/x86_64-linux-gnu/libvulkan.so.1 (carried Debian libvulkan1)"
fi
echo "${loader:-none found}"

section "Vulkan ICD files and NVIDIA user-space libraries"
for d in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d /etc/glvnd/egl_vendor.d /usr/share/glvnd/egl_vendor.d; do
  [ -d "$d" ] && for f in "$d"/*.json; do [ -f "$f" ] && { echo "$f:"; sed 's/^/    /' "$f" | head -8; }; done
done
ldconfig -p 2>/dev/null | grep -E "libGLX_nvidia|libnvidia-glvkspirv|libEGL_nvidia|libnvidia-gpucomp" | sed 's/^/  /' || true

section "adapters Dawn sees"
# EGL_PLATFORM=surfaceless lets Dawn's OpenGL backends open Mesa's EGL without a display.
EGL_PLATFORM=surfaceless node --input-type=module -e "
import { create } from 'webgpu';
const tries = [['vulkan', {powerPreference: 'high-performance'}], ['opengl', {featureLevel: 'compatibility'}], ['opengles', {featureLevel: 'compatibility'}]];
for (const [backend, opts] of tries) {
  try {
    const a = await create(['backend=' + backend]).requestAdapter(opts);
    console.log(backend.padEnd(9), a ? JSON.stringify({ vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description, fallback: a.info.isFallbackAdapter }) : 'no adapter');
  } catch (e) { console.log(backend.padEnd(9), 'error:', e.message.split('\n')[0]); }
}" 2>&1
EGL_PLATFORM=surfaceless node bin/mfx.js backends 2>&1

out=${OUT:-$(mktemp -d)}
train=${PROBE_TRAIN_SUBSET:-10000}
test=${PROBE_TEST_SUBSET:-2000}
for backend in webgpu wasm; do
  section "quickstart on --backend $backend (--train-subset $train --test-subset $test)"
  start=$(date +%s.%N)
  node bin/mfx.js run examples/quickstart.mfx --backend "$backend" --train-subset "$train" --test-subset "$test" \
    --reporter plain --no-cache --no-report --out "$out/quickstart-$backend" 2>&1 | grep -vE "batch [0-9]+/" | tail -25
  echo "exit ${PIPESTATUS[0]}; wall $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
done
