#!/usr/bin/env bash
# Run study v3 network by network, in the background, from a clean checkout (so every record names its commit):
# each network's settings run once their tuning is in results/study-v3/tuning (an untuned setting stops that
# network, the next one starts); the runner resumes, so running this again continues where it stopped.
# Usage: tools/run_v3.sh [OUT]   (default OUT: results; log lines go to stdout)
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-results}"
[ -z "$(git status --porcelain --untracked-files=no)" ] || { echo "run_v3: the checkout has changes: commit first"; exit 2; }
for net in seed-cnn row-lstm vit lenet-300-100 lenet5-caffe; do
  echo "=== $net ($(date -u +%FT%TZ))"
  genesis-nb reproduce --v3 --only "$net" --out "$out" || echo "=== $net stopped (untuned settings wait)"
done
