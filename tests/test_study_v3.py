"Study v3 as planned: seeds from the rules' operating characteristics, primary budgets in the plan, files that fit."
import csv, json
from pathlib import Path

from genesis_nb.ledger import RULES_V3, size_key
from genesis_nb.study import BYTES_FILL, STUDY_V3, load_runs, plan

V3 = Path(__file__).resolve().parent.parent/'results'/'study-v3'


def _size(s): return 'full' if s.train_size is None else size_key(s.train_size)


def test_seeds_are_at_least_the_planned_ones():
    planned = json.loads((V3/'operating_characteristics.json').read_text())['seeds']
    for s in STUDY_V3.settings:
        if s.dataset == 'mnist': assert len(s.seeds) >= planned[f'{s.arch} {_size(s)}'], s


def test_operating_characteristics_meet_the_targets():
    rows = list(csv.DictReader(open(V3/'operating_characteristics.csv')))
    assert {r['claim'] for r in rows} == {'C1', 'C8'}
    for r in rows:
        p = float(r['p_supported'])
        assert p >= 0.80 if r['scenario'] == 'identical' else p <= 0.05, r


def test_every_family_member_is_planned_at_its_primary_budget():
    for claim, family in RULES_V3['families'].items():
        for arch, size in family:
            s = next(s for s in STUDY_V3.settings if s.arch == arch and s.dataset == 'mnist' and _size(s) == size)
            assert (0, 'genesis', RULES_V3['primary'][arch]) in plan(s), (claim, arch, size)


def test_recorded_files_fit_their_budgets():
    "Every budgeted v3 run ends with an int8 file within 0.90–1.00 of its budget (≤ 5 % of a method's runs not)."
    runs = [r for r in load_runs(V3) if r.get('budget_bytes')]
    by = {}
    for r in runs:
        by.setdefault(r['method'], []).append(BYTES_FILL <= r['stats']['bytes_int8'] / r['budget_bytes'] <= 1.0)
    for m, ok in by.items(): assert sum(not o for o in ok) <= 0.05 * len(ok), (m, sum(not o for o in ok), len(ok))


def test_a_tiny_v3_study_trains_tuned_within_its_bytes(tmp_path):
    "End to end: one trial per method tuned into the study folder, then the study: every budgeted file fits."
    from genesis_nb.study import Setting, StudyConfig, reproduce
    from genesis_nb.tune import tune
    s = Setting(train_size=1000, epochs=2, methods=('standard', 'genesis', 'fixed-rank', 'low-rank'), budgets=(4,),
                seeds=(0,), robustness=False, budget_unit='bytes')
    cfg = StudyConfig('v3-tiny', [s])
    for m in ('standard', 'genesis', 'low-rank'):
        tune(Setting(**{**s.__dict__, 'methods': (m,)}), m, 1, tmp_path/'v3-tiny'/'tuning'/f'seed-cnn-1000-{m}',
             progress=False, log=lambda *_: None)
    folder = reproduce(cfg, out=tmp_path, log=lambda *_: None, progress=False)
    runs = {r['method']: r for r in load_runs(folder)}
    assert set(runs) == {'standard', 'genesis', 'fixed-rank', 'low-rank'}
    for m in ('genesis', 'fixed-rank', 'low-rank'):
        r = runs[m]
        assert r['stats']['bytes_int8'] <= r['budget_bytes'], m
        assert r['stats']['bytes_int8'] >= 0.85 * r['budget_bytes'], (m, r['stats']['bytes_int8'], r['budget_bytes'])
    assert runs['genesis']['recipe']['lifecycle']['clock'] == 'training'
    assert set(runs['fixed-rank']['recipe']) <= {'lr', 'weight_decay'} and 'genesis_recipe' in runs['fixed-rank']


def _trials(folder): return sum(1 for l in (folder/'trials.jsonl').read_text().splitlines() if l.strip())


def test_every_method_is_tuned_with_as_many_trials():
    "Within each tuned network, every method has the same number of trials (within 25 %), and at least TRIALS."
    from genesis_nb.study import METHODS
    from genesis_nb.tune import TRIALS
    jobs = {}
    for f in (V3/'tuning').iterdir():
        method = next(m for m in sorted(METHODS, key=len, reverse=True) if f.name.endswith('-' + m))
        jobs.setdefault(f.name[:-len(method) - 1], {})[method] = _trials(f)
    assert jobs
    for job, counts in jobs.items():
        assert min(counts.values()) >= TRIALS, (job, counts)
        assert max(counts.values()) <= 1.25 * min(counts.values()), (job, counts)


def test_every_recorded_run_was_trained_with_a_complete_tuning():
    "Each v3 run's method (fixed-rank: genesis's) has a committed tuning folder with its trials."
    from genesis_nb.tune import TRIALS
    for job in {(r['arch'], '1000' if r['train_size'] <= 1000 else 'full', 'genesis' if r['method'] == 'fixed-rank'
                 else r['method']) for r in load_runs(V3)}:
        folder = V3/'tuning'/'-'.join(job)   # the name `tuning_job` gives a setting, then the method
        assert folder.exists() and _trials(folder) >= TRIALS, job


def test_transfer_checks_use_the_tuned_recipes_and_validation_only():
    "Each proxy-transfer check compares the very recipe the study ran with the protocol's optimiser, on validation."
    from genesis_nb.train import get_protocol
    from genesis_nb.study import tuned_recipe
    p = V3/'transfer-check'/'checks.jsonl'
    checks = [json.loads(l) for l in p.read_text().splitlines() if l.strip()] if p.exists() else []
    for c in checks:
        s = next(s for s in STUDY_V3.settings if s.arch == c['arch'] and s.train_size is None)
        assert c['tuned']['recipe'] == tuned_recipe(V3, s, c['method'], STUDY_V3.tuning_trials), c['method']
        proto = get_protocol(s.protocol)
        assert c['protocol_optimiser']['recipe'] == dict(c['tuned']['recipe'], lr=proto.lr,
                                                         weight_decay=proto.weight_decay)
        assert 'test' not in c['tuned'] and 'test' not in c['protocol_optimiser'] and c['provenance']['git']
        assert abs(c['delta'] - (c['protocol_optimiser']['val']['accuracy'] - c['tuned']['val']['accuracy'])) < 1e-12
        assert c['factor'] == RULES_V3['primary'][c['arch']] and c['train_size'] > 50_000   # the full data


def test_the_sensitivity_arm_reruns_what_the_checks_chose_with_the_protocols_optimiser():
    "Each arm record: a method the transfer checks chose, its planned run's identity, the protocol's optimiser."
    from genesis_nb.study import run_id, study_recipe
    from genesis_nb.tune import sensitivity_arm
    folder = V3.parent/'study-v3-protocol-optimiser'
    runs = load_runs(folder)
    if not runs: return   # no arm run recorded (its checks decide whether there is any)
    arm = sensitivity_arm(V3)
    settings = {(s.arch, m): s for s in arm.settings for m in s.methods}
    for r in runs:
        s = settings[r['arch'], r['method']]   # a KeyError: a run the checks did not choose
        assert r['run_id'] == run_id(s, r['seed'], r['method'], r['factor'])   # the planned run it re-runs
        assert r['recipe'] == study_recipe(arm, folder, s, r['method']) and r['provenance']['git']['commit']
        if r['method'] != 'standard':   # the reference has no budget
            assert BYTES_FILL * r['budget_bytes'] <= r['stats']['bytes_int8'] <= r['budget_bytes']
