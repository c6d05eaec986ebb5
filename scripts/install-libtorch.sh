#!/usr/bin/env bash
# Builds a CPU libtorch 2.4.0 directory (what tch 0.17 / rust-bert 0.23 link against) from
# PyPI wheels only: headers, libtorch_cpu, libc10 and libgomp from the torch 2.4.0 wheel, the
# two CUDA runtime libraries that libtorch_cpu.so is linked against from their own wheels,
# and an empty stub libtorch.so because torch-sys always passes -ltorch to the linker.
#
# Usage: scripts/install-libtorch.sh [DIR]   (default: .cache/libtorch in the repo)
# Idempotent: an existing complete DIR is left as it is. Prints the environment to build and
# run with on its last lines.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR="${1:-$PWD/.cache/libtorch}"
TORCH_VERSION=2.4.0
CUDA_WHEEL_VERSION=12.1.105
PYTHON="${PYTHON:-python3}"

complete() {
    [[ -f "$DIR/lib/libtorch_cpu.so" && -f "$DIR/lib/libc10.so" && -f "$DIR/lib/libtorch.so" \
        && -f "$DIR/lib/libcudart.so.12" && -f "$DIR/lib/libcupti.so.12" \
        && -f "$DIR/include/torch/csrc/api/include/torch/torch.h" && -f "$DIR/build-version" ]]
}

if complete; then
    echo "libtorch $(cat "$DIR/build-version") already in $DIR" >&2
else
    WORK="$(mktemp -d)"
    trap 'rm -rf "$WORK"' EXIT
    echo "downloading wheels (torch==$TORCH_VERSION is about 800 MB)..." >&2
    "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
        --only-binary=:all: --platform manylinux2014_x86_64 --platform manylinux1_x86_64 \
        --python-version 3.11 --dest "$WORK/wheels" \
        "torch==$TORCH_VERSION" \
        "nvidia-cuda-runtime-cu12==$CUDA_WHEEL_VERSION" \
        "nvidia-cuda-cupti-cu12==$CUDA_WHEEL_VERSION"
    mkdir -p "$WORK/unpacked"
    for wheel in "$WORK"/wheels/*.whl; do
        unzip -q -o "$wheel" -d "$WORK/unpacked"
    done
    # Wheels are no longer needed once unpacked: free the disk before copying.
    rm -rf "$WORK/wheels"
    STAGE="$DIR.partial"
    rm -rf "$STAGE"
    mkdir -p "$STAGE/lib"
    cp -r "$WORK/unpacked/torch/include" "$STAGE/include"
    cp "$WORK/unpacked/torch/lib/libtorch_cpu.so" "$WORK/unpacked/torch/lib/libc10.so" "$STAGE/lib/"
    cp "$WORK"/unpacked/torch/lib/libgomp-*.so.1 "$STAGE/lib/"
    cp "$WORK/unpacked/nvidia/cuda_runtime/lib/libcudart.so.12" "$STAGE/lib/"
    cp "$WORK/unpacked/nvidia/cuda_cupti/lib/libcupti.so.12" "$STAGE/lib/"
    # torch-sys links -ltorch unconditionally; the CPU build needs nothing from it.
    echo "" | cc -shared -x c - -o "$STAGE/lib/libtorch.so"
    echo "$TORCH_VERSION" > "$STAGE/build-version"
    rm -rf "$DIR"
    mv "$STAGE" "$DIR"
    complete || { echo "libtorch in $DIR is incomplete" >&2; exit 1; }
    echo "installed libtorch $TORCH_VERSION (CPU) in $DIR ($(du -sh "$DIR" | cut -f1))" >&2
fi

echo "LIBTORCH=$DIR LIBTORCH_CXX11_ABI=0"
echo "LD_LIBRARY_PATH=$DIR/lib"
