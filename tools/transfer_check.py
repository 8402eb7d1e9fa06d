"""Does each full-data network's proxy recipe transfer? `transfer_check` for every tuned method, on validation only.

Study v3 tunes a full-data network on a proxy (8,000 images, 2 epochs; `tools/tune_v3.py`). For every full-data
setting of the study and every method tuned for it, this trains at the study's own protocol, at the tuning's budget
(`RULES_V3['primary']`), on a tuning seed, the tuned recipe and the same recipe with the protocol's own learning rate
and weight decay, and appends both validation accuracies to results/study-v3/transfer-check/checks.jsonl (provenance
in each record). A diagnosis added after the study's first full-data runs, not a rule: the study keeps its
tuned recipes.
Checks already recorded are skipped, so a killed call resumes.

Usage: python tools/transfer_check.py [--only NETWORK[,NETWORK]] [--out results]
"""
import argparse, json, sys
from pathlib import Path

from genesis_nb.ledger import RULES_V3
from genesis_nb.study import STUDY_V3, tuned_recipe
from genesis_nb.train import provenance, lock_folder
from genesis_nb.tune import SEARCH_SPACES, transfer_check, _append

ROOT = Path(__file__).resolve().parent.parent
ORDER = ('lenet-300-100', 'seed-cnn', 'lenet5-caffe', 'row-lstm', 'vit')   # the cheapest networks first

def check_all(want, out):
    "Run every transfer check of the full-data networks `want` not yet recorded under `out/study-v3`."
    full = sorted((s for s in STUDY_V3.settings if s.train_size is None and s.arch in want),
                  key=lambda s: ORDER.index(s.arch))
    prov = provenance(['python', *sys.argv])
    with lock_folder(Path(out)/STUDY_V3.name/'transfer-check') as folder:
        path = folder/'checks.jsonl'
        done = {(r['arch'], r['method']) for r in map(json.loads, path.read_text().splitlines())} \
            if path.exists() else set()
        for s in full:
            for m in (m for m in s.methods if m in SEARCH_SPACES and (s.arch, m) not in done):
                recipe = tuned_recipe(Path(out)/STUDY_V3.name, s, m, STUDY_V3.tuning_trials)
                rec = dict(transfer_check(s, m, recipe, RULES_V3['primary'][s.arch]), provenance=prov)
                _append(path, rec)
                print(f"{s.arch} {m}: val accuracy tuned {rec['tuned']['val']['accuracy']:.4f}, with the protocol's "
                      f"optimiser {rec['protocol_optimiser']['val']['accuracy']:.4f} ({rec['wall_time_s']:.0f} s)",
                      flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--only', default=None, help='comma-separated networks (default: all, cheapest first)')
    ap.add_argument('--out', default=str(ROOT/'results'), help='results root: the study is OUT/study-v3')
    a = ap.parse_args()
    want = a.only.split(',') if a.only else ORDER
    unknown = set(want) - set(ORDER)
    try:
        if unknown: raise ValueError(f'--only: unknown network(s) {sorted(unknown)}; choose from {list(ORDER)}.')
        check_all(want, a.out)
    except ValueError as e:   # a bad --only, a tuning missing or incomplete, a folder in use: one line, exit 2
        print(f'error: {e}', file=sys.stderr); sys.exit(2)
