"""Tune every method of study v3, the same number of trials each (`TRIALS`), into results/study-v3/tuning.

The 1,000-image settings are tuned as they run in the study. A full-data network is tuned on a stated proxy, the same
for every method: 8,000 training images, 2 epochs of the augmented protocol (about a thirty-fourth of a study run's
optimiser steps). Every trial trains at the network's primary byte budget (`RULES_V3['primary']`) and is scored on
validation data only; trials resume (a killed job keeps every finished trial).

Usage: python tools/tune_v3.py [--only NETWORK[,NETWORK]] [--trials N]
"""
import argparse, sys
from pathlib import Path

from genesis_nb.ledger import RULES_V3
from genesis_nb.study import Setting
from genesis_nb.tune import TRIALS, tune

ROOT = Path(__file__).resolve().parent.parent
PROXY = dict(train_size=8000, protocol='augmented', epochs=2)   # the full-data proxy, the same for every method
_SEQ = ('standard', 'genesis', 'low-rank', 'magnitude')
JOBS = [   # (name, setting keywords, methods): every method of the study that has a search space
    ('seed-cnn-1000', dict(arch='seed-cnn'),
     ('standard', 'genesis', 'dense-matched', 'low-rank', 'magnitude', 'channel')),
    ('row-lstm-1000', dict(arch='row-lstm'), _SEQ),
    ('vit-1000', dict(arch='vit'), _SEQ),
    ('seed-cnn-full', dict(arch='seed-cnn', **PROXY), _SEQ),
    ('lenet-300-100-full', dict(arch='lenet-300-100', **PROXY), _SEQ),
    ('lenet5-caffe-full', dict(arch='lenet5-caffe', **PROXY), _SEQ),
    ('row-lstm-full', dict(arch='row-lstm', **PROXY), _SEQ),
    ('vit-full', dict(arch='vit', **PROXY), _SEQ),
]

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--only', default=None, help='comma-separated job names (default: all, in order)')
    ap.add_argument('--trials', type=int, default=TRIALS, help='trials per method and network')
    ap.add_argument('--out', default=str(ROOT/'results'/'study-v3'/'tuning'))
    a = ap.parse_args()
    want = a.only.split(',') if a.only else [j[0] for j in JOBS]
    for name, kw, methods in JOBS:
        if name not in want: continue
        for m in methods:
            s = Setting(**kw, methods=(m,), budgets=(RULES_V3['primary'][kw['arch']],), seeds=(0,), robustness=False,
                        budget_unit='bytes')
            tune(s, m, a.trials, Path(a.out)/f'{name}-{m}', argv=['python', *sys.argv], progress=False,
                 log=lambda line, name=name, m=m: print(f'{name} {m}: {line}', flush=True))
