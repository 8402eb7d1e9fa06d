"""How far a re-run of a committed quick record can move on another CPU, measured: each setting of the re-run test
(tests/test_reproduce.py) trained again with every starting weight nudged by one ulp (`genesis_nb.study.ulp_nudge`,
seeds 0..N-1), the smallest difference two CPUs' kernels can make. Writes results/rerun-tolerance/tolerance.json: one
row per re-run (the absolute change of each metric from the record), the largest change per metric, the command,
commit, versions, machine and wall time.

With --all, every committed quick record is nudged (the main job of CI compares them all).

Usage: python tools/rerun_tolerance.py [--nudges 4] [--all] [--out results/rerun-tolerance]
"""
import argparse, json, os, sys, time
from pathlib import Path

from genesis_nb.study import QUICK, load_runs, rerun, ulp_nudge
from genesis_nb.train import provenance

SETTINGS = [('genesis', 3, 1), ('fixed-rank', 20, 2), ('magnitude', 20, 0), ('channel', 3, 1), ('low-rank', 20, 2)]
METRICS = ('accuracy', 'f1_macro', 'loss')

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--nudges', type=int, default=4)
    ap.add_argument('--all', action='store_true', help='every quick record, not only the re-run test settings')
    ap.add_argument('--out', default='results/rerun-tolerance')
    a = ap.parse_args()
    runs, rows, t0 = load_runs(Path(__file__).resolve().parent.parent/'results'/'quick'), [], time.perf_counter()
    chosen = runs if a.all else [next(r for r in runs if (r['arch'], r['method'], r['factor'], r['seed']) ==
                                      ('seed-cnn', *s)) for s in SETTINGS]
    for rec in chosen:
        method, factor, seed = rec['method'], rec['factor'], rec['seed']
        for k in range(a.nudges):
            t = time.perf_counter()
            with ulp_nudge(k): new = rerun(rec, QUICK)
            change = {f'{s}_{m}': abs(new['metrics'][s][m] - rec['metrics'][s][m])
                      for s in ('val', 'test') for m in METRICS}
            rows.append(dict(run_id=rec['run_id'], arch=rec['arch'], method=method, factor=factor, seed=seed, nudge=k,
                             **change, wall_time_s=time.perf_counter() - t))
            print(rec['arch'], method, factor, seed, k, {c: round(v, 4) for c, v in change.items()}, flush=True)
    largest = {m: max(max(r[f'val_{m}'], r[f'test_{m}']) for r in rows) for m in METRICS}
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    tmp = out/f'tolerance.json.{os.getpid()}.tmp'
    tmp.write_text(json.dumps(dict(rows=rows, largest=largest, nudges=a.nudges, all=a.all,
                                   provenance=provenance(sys.argv), wall_time_s=time.perf_counter() - t0), indent=1))
    os.replace(tmp, out/'tolerance.json')
    print('largest change per metric:', largest)

if __name__ == '__main__': main()
