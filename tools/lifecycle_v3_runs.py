"""The v3 lifecycle runs shown in the particle chapter, trained through `genesis-nb train` into results/lifecycle-v3/.

Every run: the tuned protocol, 10 epochs (the MLP 5), 5000 validation images, the v3 defaults (clocks in fractions
of training, K = each layer's rank, rebirth, fair-share floors and ceilings, the fill at the deadline). Each run
writes its own record.json (command, commit, versions, machine and CPU fingerprint, wall time); checkpoints and
weights are deleted. Runs whose record exists are skipped, so the script resumes. Two runs at a time, one thread each.

* length-<n>-<r>x: the seed CNN with genesis conv1, conv2 and fc, `--target-params` = 54,666 / r (r in 3, 8, 20), on
  n = 1000 (160 steps) and n = 8000 (1,250 steps) training images, seeds 0-2: one recipe at two training lengths;
* alloc-<rule>-<r>x: the same network on 1000 images at r in 8, 20, with `--allocation shares` (v3) or `global`
  (v2's cut: each layer keeps one), seeds 0-4: the allocation ablation;
* mlp-12x: LeNet-300-100 (genesis fc1, fc2) at Han et al.'s 12x budget (22,217 parameters), 8000 images, 5 epochs,
  seeds 0-2;
* net-<model>-<n>-<r>x: every network of the study at every budget of the v2 study not covered above (the seed CNN
  at 40x; LeNet-300-100 at 40x and 70x, 5 epochs; LeNet-5-Caffe at 12x, 40x and, with its classifier a genesis layer
  as in the study (`--genesis-head`), 110x; the row LSTM at 3x, 8x, 20x; the
  ViT at 2x, 4x, 8x), on n = 1000 and 8000 images, 10 epochs, seed 0: does each fill its budget at both lengths?

Usage: python tools/lifecycle_v3_runs.py [--out results/lifecycle-v3] [--workers 2]

"""
import argparse, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import lifecycle_runs as v2_tool   # its train(): one run through the CLI, skipped when its record exists

STANDARD_PARAMS, LENET300_PARAMS = 54_666, 266_610
COMMON = ['--val-size', '5000', '--protocol', 'tuned', '--no-progress']

def train(out: Path, args: list) -> dict: return v2_tool.train(out, args, COMMON)

def every_layer(r, n, seed, *extra):
    return ['--model', 'genesis', '--replace', 'conv1,conv2,fc', '--target-params', str(STANDARD_PARAMS // r),
            '--train-size', str(n), '--epochs', '10', '--seed', str(seed), *extra]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default='results/lifecycle-v3')
    ap.add_argument('--workers', type=int, default=2)
    a = ap.parse_args()
    out, jobs, workers = Path(a.out), [], a.workers
    for seed in range(3):
        for n in (1000, 8000):
            for r in (3, 8, 20): jobs.append((out/f'length-{n}-{r}x'/f'seed-{seed}', every_layer(r, n, seed)))
        jobs.append((out/'mlp-12x'/f'seed-{seed}', ['--model', 'genesis-mlp',
                                                   '--target-params', str(LENET300_PARAMS // 12),
                                                   '--train-size', '8000', '--epochs', '5', '--seed', str(seed)]))
    for seed in range(5):
        for rule in ('shares', 'global'):
            for r in (8, 20):
                jobs.append((out/f'alloc-{rule}-{r}x'/f'seed-{seed}', every_layer(r, 1000, seed, '--allocation', rule)))
    for model, dense, factors, epochs in (('genesis-lenet5', 431_080, (12, 40, 110), 10),
                                          ('genesis-lstm', 82_186, (3, 8, 20), 10),
                                          ('genesis-vit', 71_946, (2, 4, 8), 10),
                                          ('genesis', STANDARD_PARAMS, (40,), 10),
                                          ('genesis-mlp', LENET300_PARAMS, (40, 70), 5)):
        for n in (1000, 8000):
            for r in factors:
                extra = ['--replace', 'conv1,conv2,fc'] if model == 'genesis' else []
                head = model == 'genesis-lenet5' and r == 110   # below the smallest LeNet-5 with a dense classifier
                extra += ['--genesis-head'] if head else []
                name = (model[8:] or 'cnn') + ('head' if head else '')
                jobs.append((out/f'net-{name}-{n}-{r}x'/'seed-0', ['--model', model, *extra, '--target-params',
                             str(dense // r), '--train-size', str(n), '--epochs', str(epochs), '--seed', '0']))
    with ThreadPoolExecutor(workers) as ex: list(ex.map(lambda j: train(*j), jobs))

if __name__ == '__main__': main()
