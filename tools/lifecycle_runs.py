"""The lifecycle runs shown in the particle chapter, trained through `genesis-nb train` into results/lifecycle/.

Every run: 1000 MNIST training images, 5000 validation images, the tuned protocol, 10 epochs, seeds 0-4. Each
run writes its own record.json (command, commit, versions, machine and CPU fingerprint, wall time); checkpoints and
weights are deleted. Runs whose record exists are skipped, so the script resumes. Two runs at a time, one thread each.

* every-<r>x: genesis layers in conv1, conv2 and fc, `--target-params` = standard CNN / r, r in 3, 6, 10, 20;
* conv2-<r>x: genesis conv2 only (the smallest it can be is 4,330 parameters, so r in 3, 6, 10), and for each
  run the fixed-rank control at the rank that run ended with (`--model fixed-rank --rank k`, same seed);
* birth-<rule>-init<k>: random vs gradient births, 4 or 0 initial particles, default pressure, seeds 0-4. The
  decision rule is fixed in `BIRTH_NONINFERIORITY_MARGIN` (committed before these runs, then in genesis_nb.study; now in
  genesis_nb.ledger).

Usage: python tools/lifecycle_runs.py [--out results/lifecycle]
"""
import argparse, json, os, shutil, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

STANDARD_PARAMS = 54_666
COMMON = ['--train-size', '1000', '--val-size', '5000', '--protocol', 'tuned', '--no-progress']
V2 = ['--clock', 'steps', '--num-particles', '16']   # v2's lifecycle (clocks in steps, K = 16): what these records used

def train(out: Path, args: list, common: list = COMMON) -> dict:
    rec = out/'record.json'
    if not rec.exists():
        env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
        p = subprocess.run(['genesis-nb', 'train', *common, *args, '--out', str(out)], capture_output=True, text=True,
                           env=env)
        if p.returncode: sys.exit(f'failed: {out}\n{p.stderr[-2000:]}')
        for f in ('checkpoint.ckpt', 'model.safetensors'): (out/f).unlink(missing_ok=True)
        print(out, p.stdout.strip().splitlines()[-1], flush=True)
    return json.loads(rec.read_text())

def conv2_then_control(out: Path, r: int, seed: int):
    rec = train(out/f'conv2-{r}x'/f'seed-{seed}',
                [*V2, '--target-params', str(STANDARD_PARAMS // r), '--seed', str(seed)])
    rank = sum(p['active'] for p in rec['particles'].values())
    train(out/f'fixed-rank-{r}x'/f'seed-{seed}', ['--model', 'fixed-rank', '--rank', str(rank), '--seed', str(seed)])

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default='results/lifecycle')
    out = Path(ap.parse_args().out)
    jobs = []
    for seed in range(5):
        for r in (3, 6, 10, 20):
            every = [*V2, '--replace', 'conv1,conv2,fc', '--target-params', str(STANDARD_PARAMS // r),
                     '--seed', str(seed)]
            jobs.append(lambda r=r, seed=seed, every=every: train(out/f'every-{r}x'/f'seed-{seed}', every))
        for r in (3, 6, 10): jobs.append(lambda r=r, seed=seed: conv2_then_control(out, r, seed))
    for seed in range(5):
        for rule in ('random', 'gradient'):
            for init in (4, 0):
                jobs.append(lambda rule=rule, init=init, seed=seed: train(out/f'birth-{rule}-init{init}'/f'seed-{seed}',
                            [*V2, '--birth', rule, '--initial-particles', str(init), '--seed', str(seed)]))
    with ThreadPoolExecutor(2) as ex: list(ex.map(lambda j: j(), jobs))

if __name__ == '__main__': main()
