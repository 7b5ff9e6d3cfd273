#!/usr/bin/env bash
# Trains the codec networks on a GPU host that has PyTorch (LibTorch with
# CUDA) but no OpenCV or Debian dev packages, such as the workplace's device
# machine. Builds spix-train (-DSPIX_TRAINER_ONLY=ON) against the host's
# LibTorch unless .gpu/bin/spix-train exists, packs the images of
# .gpu/data/{train,bsds,val} (scripts/pack_images.py), resumes from
# .gpu/ckpt.tar if present, trains for at most MINUTES (SIGTERM then makes
# spix-train save a last checkpoint), and leaves spix-train, train.log and
# ckpt.tar in OUT_DIR.
#
# .gpu/sdk holds include/{openssl,nlohmann,CLI} and lib/libcrypto.so copied
# from a Debian machine (libssl-dev, nlohmann-json3-dev, libcli11-dev).
#
#   bash scripts/gpu_train.sh OUT_DIR MINUTES [spix train codec flags...]
set -euo pipefail
out=$1
minutes=$2
shift 2
root=$PWD
sdk=$root/.gpu/sdk
trainer=$root/.gpu/bin/spix-train
if [ ! -x "$trainer" ]; then
  torch_dir=$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))')
  build=/tmp/spix-train-build
  trainer=$build/spix-train
  if ! cmake -S . -B $build -G Ninja -DSPIX_TRAINER_ONLY=ON \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch_dir;$sdk" \
    -DOPENSSL_ROOT_DIR="$sdk" > /tmp/cmake.log 2>&1; then
    # Torch's CMake package can miss CUDA pieces (nvtx, cuDNN) on a bare
    # host; the compiler alone needs only its headers and libraries.
    tail -5 /tmp/cmake.log
    echo "CMake configuration failed; compiling directly"
    mkdir -p $build
    abi=$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
    flags=(-std=c++17 -O2 -DNDEBUG -DSPIX_TRAINER_ONLY=1
      -D_GLIBCXX_USE_CXX11_ABI="$abi" -I. -I"$sdk/include" -I"$torch_dir/include"
      -I"$torch_dir/include/torch/csrc/api/include")
    objects=()
    for source in tools/train_main.cc tools/cmd_train.cc tools/cli_util.cc \
      networks/modules.cc networks/training.cc networks/train_util.cc \
      networks/weights.cc; do
      objects+=("$build/$(basename "$source" .cc).o")
      g++ "${flags[@]}" -c "$source" -o "${objects[-1]}" &
    done
    wait
    g++ "${objects[@]}" -o "$trainer" -L"$torch_dir/lib" -L"$sdk/lib" \
      -Wl,-rpath,"$torch_dir/lib:$sdk/lib" -Wl,--no-as-needed -ltorch_cuda \
      -ltorch -ltorch_cpu -lc10_cuda -lc10 -Wl,--as-needed -lcrypto -lpthread
  else
    cmake --build $build -j 16
  fi
  cp "$trainer" "$out/"
fi
python3 scripts/pack_images.py .gpu/data/train .gpu/data/bsds -o /tmp/train.pack
python3 scripts/pack_images.py .gpu/data/val -o /tmp/val.pack
mkdir -p /tmp/ckpt
if [ -f .gpu/ckpt.tar ]; then tar -xf .gpu/ckpt.tar -C /tmp/ckpt; fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
set +e
LD_LIBRARY_PATH="$sdk/lib:${LD_LIBRARY_PATH:-}" timeout -s TERM -k 60 \
  "${minutes}m" "$trainer" train codec --cuda --data /tmp/train.pack \
  --val /tmp/val.pack --checkpoint-dir /tmp/ckpt "$@" 2>&1 |
  tee "$out/train.log"
status=${PIPESTATUS[0]}
set -e
tar -cf "$out/ckpt.tar" -C /tmp/ckpt .
echo "spix-train exit status $status"
