"""The scale-out measurements shown in the scale-out chapter, written to results/scale/scale.json.

Run it on an idle machine (it reports the load average before and after):

* study throughput: the quick study (`genesis-nb reproduce --quick`) into fresh folders, on a local Ray with 1 worker
  and with 2 workers (one torch thread each), each call's runs per minute from its `meta.json`; the two calls'
  records compared with `agreement` (same CPU and threads: bit for bit expected) and with the committed serial
  quick records (made with 2 threads: within the re-run tolerance);
* DDP: the same `genesis-nb train` (genesis CNN, every layer genesis, 10,000 images, 1 epoch, global batch 64) in one
  process with 1 thread, in one process with 2 threads (the same cores as DDP) and as 2 torchrun/gloo processes of
  1 thread each, `--repeats` times interleaved; the epoch's seconds (the record's history) of each, and the ratios
  of DDP to each single process, per repeat.

Usage: python tools/scale_bench.py [--out results/scale] [--repeats 3]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path

from genesis_nb.study import load_runs, agreement
from genesis_nb.train import provenance

TRAIN = ['train', '--model', 'genesis', '--replace', 'conv1,conv2,fc', '--train-size', '10000', '--epochs', '1',
         '--protocol', 'tuned', '--seed', '0', '--no-progress']


def run(cmd: list, threads: int = 1) -> float:
    env = {**os.environ, 'OMP_NUM_THREADS': str(threads), 'MKL_NUM_THREADS': str(threads)}
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode: sys.exit(f'failed: {" ".join(cmd)}\n{p.stderr[-3000:]}')
    return time.perf_counter() - t0


def study_throughput(tmp: Path, root: Path) -> dict:
    out, records = {}, {}
    for workers in (1, 2):
        folder = tmp/f'ray-{workers}'
        wall = run([sys.executable, '-m', 'genesis_nb.cli', 'reproduce', '--quick', '--workers', str(workers),
                    '--out', str(folder)])
        meta = json.loads((folder/'quick'/'meta.json').read_text())
        runs = load_runs(folder/'quick')
        records[workers] = {r['run_id']: r for r in runs}
        out[f'workers_{workers}'] = dict(runs=len(runs), call_wall_time_s=meta['calls'][-1]['wall_time_s'],
                                         process_wall_time_s=wall,
                                         runs_per_minute=60 * len(runs) / meta['calls'][-1]['wall_time_s'])
    one, two = records[1], records[2]
    same = [agreement(two[k], one[k]) for k in one]
    serial = {r['run_id']: r for r in load_runs(root/'results'/'quick')}
    vs_serial = [agreement(two[k], serial[k]) for k in serial if k in two]
    out['speedup_2_over_1'] = out['workers_2']['runs_per_minute'] / out['workers_1']['runs_per_minute']
    out['records_2_vs_1'] = dict(compared=len(same), bit_for_bit=sum(a['exact'] for a in same),
                                 same_cpu=all(a['same_cpu'] for a in same))
    out['records_2_vs_committed_serial'] = dict(compared=len(vs_serial), agree=sum(a['ok'] for a in vs_serial),
                                                bit_for_bit=sum(a['exact'] for a in vs_serial),
                                                same_cpu=all(a['same_cpu'] for a in vs_serial))
    return out


def ddp_epochs(tmp: Path, repeats: int) -> dict:
    torchrun = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc-per-node', '2']
    variants = {'one process, 1 thread': ([sys.executable], 1), 'one process, 2 threads': ([sys.executable], 2),
                'DDP, 2 processes × 1 thread': (torchrun, 1)}
    secs = {k: [] for k in variants}
    for i in range(repeats):
        for j, (name, (launcher, threads)) in enumerate(variants.items()):
            folder = tmp/f'ddp-{j}-{i}'
            run([*launcher, '-m', 'genesis_nb.cli', *TRAIN, '--out', str(folder)], threads=threads)
            secs[name].append(json.loads((folder/'record.json').read_text())['history'][0]['seconds'])
    ddp = secs['DDP, 2 processes × 1 thread']
    ratios = {f'DDP / {k}': [d / s for s, d in zip(v, ddp)] for k, v in secs.items() if not k.startswith('DDP')}
    return dict(command='genesis-nb ' + ' '.join(TRAIN), global_batch=64, epoch_s=secs,
                ratios={k: dict(per_repeat=v, median=statistics.median(v), min=min(v), max=max(v))
                        for k, v in ratios.items()})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default='results/scale')
    ap.add_argument('--repeats', type=int, default=3)
    a = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    tmp, out = Path(tempfile.mkdtemp()), Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    t0, load0 = time.perf_counter(), os.getloadavg()
    rec = dict(provenance=provenance(sys.argv), load_average_before=load0)

    def write(part, value):   # each part is on disk as soon as it is measured
        rec[part] = value
        rec.update(load_average_after=os.getloadavg(), wall_time_s=time.perf_counter() - t0)
        (out/'scale.json').write_text(json.dumps(rec, indent=1))

    write('study', study_throughput(tmp, root))
    write('ddp', ddp_epochs(tmp, a.repeats))
    shutil.rmtree(tmp, ignore_errors=True)   # kept if a part failed, to look at
    print(json.dumps(rec['study'], indent=1))
    for k, r in rec['ddp']['ratios'].items(): print(f"{k}: {r['median']:.2f} [{r['min']:.2f}, {r['max']:.2f}]")
    print(f"written {out/'scale.json'} ({rec['wall_time_s']:.0f} s)")

if __name__ == '__main__':
    main()
