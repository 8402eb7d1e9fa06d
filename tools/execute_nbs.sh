#!/usr/bin/env bash
# Execute notebooks in place so their saved outputs (what the docs show) are current, then clean them.
# Usage: tools/execute_nbs.sh [notebook ...]   (default: every notebook in nbs/)
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=module://matplotlib_inline.backend_inline
nbs=("$@"); [ ${#nbs[@]} -eq 0 ] && nbs=(nbs/*.ipynb)
for nb in "${nbs[@]}"; do
  echo "executing $nb"
  (cd nbs && jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=1800 "$(basename "$nb")")
done
nbdev_clean
python tools/readme.py
