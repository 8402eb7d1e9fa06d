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
# the CPU whose kernels computed the saved outputs (tools/fresh_outputs.py compares within a tolerance elsewhere)
python -c "import json; from genesis_nb.train import cpu_fingerprint; f = cpu_fingerprint(); \
print(json.dumps(dict(cpu=f['cpu'], isa=f['isa']), indent=1))" > nbs/outputs-machine.json
nbdev_clean
python tools/readme.py
