#!/usr/bin/env bash
# Run the benchmark suite on a GPU when one is present (CPU otherwise); its wall time is in the record it writes.
# Writes results_gpu/bench/bench.json. Usage: tools/bench_gpu.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
python -c "import torch; print('device:', torch.cuda.get_device_name() if torch.cuda.is_available() else 'CPU (no CUDA device)')"
exec genesis-nb bench --device auto --out results_gpu "$@"
