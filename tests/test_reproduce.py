"""The committed study results are reproducible: re-running one configuration with its seed gives its record's metrics
(bit for bit on the CPU that made the record, within the cross-CPU tolerance elsewhere; see `genesis_nb.study.agreement`)."""
from pathlib import Path

import pytest

from genesis_nb.study import QUICK, agreement, load_runs, rerun

ROOT = Path(__file__).resolve().parent.parent

@pytest.mark.parametrize('model,protocol,seed', [('genesis', 'tuned', 1), ('standard', 'seed', 2), ('pruned', 'tuned', 0)])
def test_rerun_matches_committed_record(model, protocol, seed):
    runs = load_runs(ROOT/'results'/'quick')
    rec = next(r for r in runs if (r['model'], r['protocol'], r['seed'], r['dataset'], r['tag']) == (model, protocol, seed, 'mnist', 'main'))
    agr = agreement(rerun(rec, QUICK), rec)
    print(agr)
    assert agr['ok'], agr
    assert agr['same_stats_and_events']
