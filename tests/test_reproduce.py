"""The committed study results are reproducible: re-running one configuration with its seed gives its record's metrics."""
import json
from pathlib import Path

import pytest
import torch

from genesis_nb.data import make_splits
from genesis_nb.study import QUICK, Setting, load_runs, run_one

ROOT = Path(__file__).resolve().parent.parent

@pytest.mark.parametrize('model,protocol,seed', [('genesis', 'tuned', 1), ('standard', 'seed', 2)])
def test_rerun_matches_committed_record(model, protocol, seed):
    runs = load_runs(ROOT/'results'/'quick')
    rec = next(r for r in runs if (r['model'], r['protocol'], r['seed'], r['dataset'], r['tag']) == (model, protocol, seed, 'mnist', 'main'))
    setting = next(s for s in QUICK.settings if s.dataset == 'mnist')
    setting = Setting(**{**setting.__dict__, 'robustness': False})
    data = make_splits('mnist', train_size=rec['train_size'], val_size=QUICK.val_size, seed=seed)
    new = run_one(model, data, protocol, seed, setting, {}, log=lambda *_: None)
    for split in ('val', 'test'):
        for k in ('accuracy', 'f1_macro', 'loss'):
            assert new['metrics'][split][k] == pytest.approx(rec['metrics'][split][k], abs=1e-6), (split, k)
    assert new['stats'] == rec['stats']
    assert new['particles'].keys() == rec['particles'].keys()
    for n in new['particles']: assert json.loads(json.dumps(new['particles'][n]['events'])) == rec['particles'][n]['events']
