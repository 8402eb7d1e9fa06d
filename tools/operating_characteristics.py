"""The v3 rules' operating characteristics, written before any v3 run.

Measures each network's seed-to-seed spread on the committed v2 records (`results/study`), lets `plan_seeds` choose
the fewest seeds per network at which the C1 and C8 families meet both targets (identical method: "supported" at
least 0.80 of the time; worse by twice the margin: at most 0.05), then simulates 4,000 studies per scenario at those
seeds. Writes `results/study-v3/operating_characteristics.csv` (claim, scenario, p_supported, seeds, and the
provenance of the run in every row) and `operating_characteristics.json` (the same, with the spreads and seed plan).

Usage: python tools/operating_characteristics.py [--n-sim 4000] [--seed 0] [--out results/study-v3]
"""
import argparse, json, sys, time
from pathlib import Path

from genesis_nb.ledger import RULES_V3, frame, seed_spread, plan_seeds, operating_characteristics
from genesis_nb.study import load_runs
from genesis_nb.train import provenance

ROOT = Path(__file__).resolve().parent.parent

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n-sim', type=int, default=4000, help='simulated studies per claim and scenario')
    ap.add_argument('--seed', type=int, default=0, help='seed of the simulations')
    ap.add_argument('--out', default=str(ROOT/'results'/'study-v3'), help='output folder')
    a = ap.parse_args()
    t0 = time.perf_counter()
    spread = seed_spread(frame(load_runs(ROOT/'results'/'study')))
    seeds = plan_seeds(spread, seed=a.seed)
    oc = operating_characteristics(spread, seeds, n_sim=a.n_sim, seed=a.seed)
    prov = dict(provenance(['python', *sys.argv]), wall_time_s=time.perf_counter() - t0, sim_seed=a.seed,
                n_sim=a.n_sim)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    flat = {'commit': prov['git']['commit'], 'dirty': prov['git']['dirty'], 'command': prov['command'],
            'sim_seed': a.seed, 'n_sim': a.n_sim, 'wall_time_s': round(prov['wall_time_s'], 2)}
    oc.assign(**flat).to_csv(out/'operating_characteristics.csv', index=False)
    (out/'operating_characteristics.json').write_text(json.dumps(dict(
        rows=oc.to_dict('records'), spread={f'{k[0]} {k[1]}': v for k, v in spread.items()},
        seeds={f'{k[0]} {k[1]}': v for k, v in seeds.items()}, spread_source='results/study (v2), standard network',
        rules={k: (v if k != 'families' else {c: [list(x) for x in f] for c, f in v.items()}) for k, v in
               RULES_V3.items()}, provenance=prov), indent=1, default=str))
    print(oc.to_string(index=False))
