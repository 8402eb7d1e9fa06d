"""Check the cross-CPU tolerance against real re-runs on other CPU kernels: compare a folder of re-run quick records
(made on another CPU, or here with torch forced to other kernels) with the committed ones, record by record, with
`genesis_nb.study.agreement`; writes results/rerun-tolerance/cross-isa.json (one row per record, the largest changes,
the re-runs' CPU fingerprint, and this command's provenance).

Usage (an AVX2 machine emulated on an AVX-512 one: torch's, oneDNN's and MKL's kernels limited to AVX2):
    ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 \
        genesis-nb reproduce --quick --out /tmp/x
    python tools/cross_isa_check.py /tmp/x/quick [--out results/rerun-tolerance/cross-isa.json]
"""
import argparse, json, os, sys
from pathlib import Path

from genesis_nb.study import agreement, load_runs
from genesis_nb.train import provenance

ROOT = Path(__file__).resolve().parent.parent

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('rerun_folder')
    ap.add_argument('--out', default=str(ROOT/'results'/'rerun-tolerance'/'cross-isa.json'))
    a = ap.parse_args()
    new = {r['run_id']: r for r in load_runs(a.rerun_folder)}
    old = {r['run_id']: r for r in load_runs(ROOT/'results'/'quick')}
    rows = [dict(run_id=k, arch=old[k]['arch'], method=old[k]['method'], factor=old[k]['factor'], seed=old[k]['seed'],
                 **agreement(new[k], old[k])) for k in old if k in new]
    metrics = ('val_accuracy', 'test_accuracy', 'val_f1_macro', 'test_f1_macro', 'val_loss', 'test_loss')
    out = dict(rows=rows, largest={m: max(r[m] for r in rows) for m in metrics}, agree=sum(r['ok'] for r in rows),
               records=len(rows), rerun_machine=next(iter(new.values()))['provenance']['machine'],
               provenance=provenance(sys.argv))
    tmp = Path(a.out).with_name(Path(a.out).name + f'.{os.getpid()}.tmp')
    tmp.write_text(json.dumps(out, indent=1)); os.replace(tmp, a.out)
    print(f"{out['agree']} of {out['records']} re-runs agree; largest changes {out['largest']}")

if __name__ == '__main__': main()
