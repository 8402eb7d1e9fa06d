"""Bad inputs, interruptions, concurrent use and damaged files, seen from outside the process.

Every user-causable failure must end `genesis-nb` with one line `genesis-nb: ...` on stderr and exit status 2 (130 on
an interrupt), never a traceback; nothing written may be lost or silently overwritten."""
import gzip, json, os, signal, subprocess, sys, time
from pathlib import Path

import pytest

TINY = ['--train-size', '200', '--val-size', '500', '--epochs', '1', '--no-progress']

def run(*args, timeout=600, **kw):
    return subprocess.run(['genesis-nb', *args], capture_output=True, text=True, timeout=timeout, **kw)

def start(*args):
    # a child of a background shell inherits an ignored SIGINT; genesis-nb restores Ctrl-C itself, which is tested here
    return subprocess.Popen(['genesis-nb', *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))

def one_line_error(out, *needles):
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    assert 'Traceback' not in out.stderr, out.stderr[-2000:]
    lines = [l for l in out.stderr.splitlines() if l.startswith('genesis-nb: ')]
    assert len(lines) == 1, out.stderr
    for n in needles: assert n in lines[0], (n, lines[0])
    return lines[0]

def holder(folder):
    "The pid written in `folder/.lock`, or None."
    lock = Path(folder)/'.lock'
    return lock.read_text().strip() if lock.exists() else None

def wait_for(cond, timeout=120, every=0.1):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if cond(): return True
        time.sleep(every)
    raise AssertionError('timed out waiting')

# --- bad options and a machine that lacks what was asked for -------------------------------------------------------
@pytest.mark.parametrize('args,needle', [
    (['--lr', 'nan'], 'lr must be a finite'),
    (['--device', 'tpu0'], "device 'tpu0'"),
    (['--device', 'cuda'], 'no CUDA device'),
    (['--num-particles', '1000000'], 'num_particles=1,000,000 is more than'),
    (['--tau', 'inf'], 'tau must be a finite'),
    (['--target-params', '100'], 'smallest this model can be'),
    (['--model', 'fixed-rank'], 'rank'),
])
def test_bad_option_is_one_line_and_exit_2(tmp_path, args, needle):
    if args == ['--device', 'cuda']:
        import torch
        if torch.cuda.is_available(): pytest.skip('this machine has a GPU')
    one_line_error(run('train', *TINY, '--out', str(tmp_path/'o'), *args), needle)

def test_bench_without_gpu_is_refused(tmp_path):
    import torch
    if torch.cuda.is_available(): pytest.skip('this machine has a GPU')
    one_line_error(run('bench', '--quick', '--device', 'cuda', '--out', str(tmp_path)), 'no CUDA device')

def test_out_that_is_a_file_or_unusable(tmp_path):
    f = tmp_path/'file'; f.write_text('x')
    one_line_error(run('train', *TINY, '--out', str(f)), 'not a folder')
    one_line_error(run('train', *TINY, '--out', str(f/'below')), str(f))   # a folder below a file cannot exist

def test_non_finite_loss_names_no_checkpoint_that_does_not_exist(tmp_path):
    out = run('train', *TINY, '--lr', '1e30', '--protocol', 'seed', '--model', 'standard', '--out', str(tmp_path/'o'))
    line = one_line_error(out, 'loss became')
    assert 'no checkpoint had been written' in line

# --- damaged data files -------------------------------------------------------------------------------------------
def _fake_mnist(root: Path, n_train=20, n_labels=20, magic=2051, gz=False):
    def write(name, kind, arr_bytes, dims, m):
        data = m.to_bytes(4, 'big') + b''.join(d.to_bytes(4, 'big') for d in dims) + arr_bytes
        p = root/'MNIST/raw'/name; p.parent.mkdir(parents=True, exist_ok=True)
        (p.with_name(name + '.gz').write_bytes(gzip.compress(data)) if gz else p.write_bytes(data))
    for split, n, nl in (('train', n_train, n_labels), ('t10k', 10, 10)):
        write(f'{split}-images-idx3-ubyte', 'images', bytes(n*784), (n, 28, 28), magic if split == 'train' else 2051)
        write(f'{split}-labels-idx1-ubyte', 'labels', bytes(i % 10 for i in range(nl)), (nl,), 2049)

@pytest.mark.parametrize('kw,needle', [(dict(magic=2049), 'magic number 2049, expected 2051'),
                                       (dict(n_labels=18), '18 labels')])
def test_damaged_data_is_named(tmp_path, kw, needle):
    _fake_mnist(tmp_path/'data', **kw)
    line = one_line_error(run('train', *TINY, '--data', str(tmp_path/'data'), '--out', str(tmp_path/'o')), needle)
    assert 'train-' in line

def test_gz_files_are_read(tmp_path):
    _fake_mnist(tmp_path/'data', gz=True)
    out = run('train', '--train-size', '10', '--val-size', '10', '--epochs', '1', '--no-progress',
              '--model', 'standard', '--data', str(tmp_path/'data'), '--out', str(tmp_path/'o'))
    assert out.returncode == 0, out.stderr[-2000:]

# --- the resume contract ------------------------------------------------------------------------------------------
@pytest.fixture(scope='module')
def one_epoch_run(tmp_path_factory):
    out = tmp_path_factory.mktemp('resume')/'o'
    done = run('train', *TINY, '--model', 'genesis', '--out', str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    return out

@pytest.mark.parametrize('change,needle', [
    (['--lr', '0.5'], 'protocol.lr: 0.001 → 0.5'),
    (['--dataset', 'fashion-mnist'], 'data.name: mnist → fashion-mnist'),
    (['--seed', '3'], 'seed: 0 → 3'),
    (['--train-size', '300'], 'data.train: 200 → 300'),
    (['--tau', '0.3'], 'tau: 0.1 → 0.3'),
    (['--protocol', 'tuned'], 'protocol.optimizer: sgd → adamw'),
])
def test_resume_refuses_other_options(one_epoch_run, change, needle):
    before = (one_epoch_run/'record.json').read_text()
    one_line_error(run('train', *TINY, '--model', 'genesis', '--out', str(one_epoch_run), '--resume', *change), needle)
    assert (one_epoch_run/'record.json').read_text() == before         # nothing overwritten

def test_resume_refuses_a_checkpoint_with_a_missing_part(tmp_path, one_epoch_run):
    import torch
    ck = torch.load(one_epoch_run/'checkpoint.ckpt', weights_only=True)
    del ck['optimizer']
    (tmp_path/'o').mkdir(); torch.save(ck, tmp_path/'o'/'checkpoint.ckpt')
    one_line_error(run('train', *TINY, '--model', 'genesis', '--out', str(tmp_path/'o'), '--resume'), 'lacks optimizer')

def test_resume_with_more_epochs_under_a_schedule_is_refused(tmp_path):
    out = tmp_path/'o'
    assert run('train', *TINY, '--model', 'standard', '--protocol', 'tuned', '--out', str(out)).returncode == 0
    args = ['--train-size', '200', '--val-size', '500', '--no-progress', '--model', 'standard', '--protocol', 'tuned']
    one_line_error(run('train', *args, '--epochs', '2', '--out', str(out), '--resume'), 'cannot be lengthened')

# --- signals: an interrupted run resumes to the uninterrupted result ---------------------------------------------
@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM])
def test_signal_then_resume_equals_uninterrupted(tmp_path, sig):
    args = ['train', '--train-size', '5000', '--val-size', '500', '--epochs', '3', '--no-progress',
            '--model', 'genesis',
            '--protocol', 'tuned']
    full = run(*args, '--out', str(tmp_path/'full'))
    assert full.returncode == 0, full.stderr[-2000:]
    p = start(*args, '--out', str(tmp_path/'cut'))
    wait_for(lambda: (tmp_path/'cut'/'checkpoint.ckpt').exists() or p.poll() is not None, every=0.05)  # epoch 1 done
    p.send_signal(sig); _, err = p.communicate(timeout=120)
    assert p.returncode != 0, 'the run finished before the signal arrived'
    assert p.returncode == 130 and 'Traceback' not in err, err[-2000:]
    again = run(*args, '--out', str(tmp_path/'cut'), '--resume')
    assert again.returncode == 0, again.stderr[-2000:]
    a, b = (json.loads((tmp_path/n/'record.json').read_text()) for n in ('full', 'cut'))
    assert a['metrics'] == b['metrics'] and a['particles'] == b['particles']
    assert [r['epoch'] for r in b['history']] == [1, 2, 3]

# --- one owner per output folder ----------------------------------------------------------------------------------
def test_second_process_on_the_same_folder_is_refused(tmp_path):
    out = tmp_path/'o'
    p = start('train', '--train-size', '1000', '--val-size', '500', '--epochs', '5', '--no-progress', '--out', str(out))
    try:
        wait_for(lambda: holder(out) == str(p.pid) or p.poll() is not None)
        assert p.poll() is None, 'the first run ended too soon for the test'
        one_line_error(run('train', *TINY, '--out', str(out)), f'pid {p.pid}')
    finally:
        p.kill(); p.wait()
    # a killed holder leaves no stale lock
    assert run('train', *TINY, '--model', 'standard', '--out', str(out)).returncode == 0

# --- the study runner: killed calls keep their provenance, torn records are set aside, nothing is run twice -----------
def test_killed_study_keeps_provenance_and_torn_line_is_set_aside(tmp_path):
    folder = tmp_path/'tiny'
    p = start('reproduce', '--tiny', '--out', str(tmp_path))
    wait_for(lambda: (folder/'runs.jsonl').exists() and len((folder/'runs.jsonl').read_text().splitlines()) >= 2
             or p.poll() is not None, timeout=300)
    p.kill(); p.wait()
    meta = json.loads((folder/'meta.json').read_text())
    last = meta['calls'][-1]
    assert last['status'] == 'running' and last['provenance']['command'].startswith('genesis-nb')
    second = run('reproduce', '--tiny', '--out', str(tmp_path))   # a second call on the same folder while none holds it
    assert second.returncode == 0, second.stderr[-2000:]
    # now tear the last record as a kill during the append would, and run again
    text = (folder/'runs.jsonl').read_text()
    (folder/'runs.jsonl').write_text(text[:-200])
    third = run('reproduce', '--tiny', '--out', str(tmp_path))
    assert third.returncode == 0, third.stderr[-2000:]
    assert 'set aside' in third.stdout + third.stderr
    assert list(folder.glob('runs.jsonl.torn-*'))
    ids = [json.loads(l)['run_id'] for l in (folder/'runs.jsonl').read_text().splitlines()]
    meta = json.loads((folder/'meta.json').read_text())
    assert len(ids) == len(set(ids)) == meta['planned_runs']              # every planned record exactly once
    assert [c['status'] for c in meta['calls']] == ['running', 'finished', 'finished']

def test_two_study_calls_on_one_folder(tmp_path):
    p = start('reproduce', '--tiny', '--out', str(tmp_path))
    try:
        wait_for(lambda: holder(tmp_path/'tiny') == str(p.pid) or p.poll() is not None)
        one_line_error(run('reproduce', '--tiny', '--out', str(tmp_path)), 'in use by another genesis-nb process')
    finally:
        p.kill(); p.wait()

# --- the distributed runners: bad shapes are refused before anything starts ----------------------------------------
@pytest.mark.parametrize('args,needle', [
    (['--workers', '0'], 'workers must be an integer >= 1'),
    (['--workers', str(4 * (os.cpu_count() or 1))], 'Lower --workers'),
    (['--workers', '1', '--threads-per-worker', '0'], 'threads must be an integer >= 1'),
    (['--workers', '1', '--rerun', 'abc'], 'drop one'),
    (['--address', 'auto', '--timings'], 'drop one'),
])
def test_bad_ray_option_is_one_line_and_exit_2(tmp_path, args, needle):
    one_line_error(run('reproduce', '--tiny', '--out', str(tmp_path), *args), needle)

def test_train_outside_torchrun_stays_single_process(tmp_path):
    # WORLD_SIZE=1 (torchrun with one process, or a stray variable) trains without a process group
    out = run('train', *TINY, '--out', str(tmp_path/'o'), env={**os.environ, 'WORLD_SIZE': '1'})
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'distributed' not in json.loads((tmp_path/'o'/'record.json').read_text())

# --- hardening II: options the chosen model or clock would ignore are refused, naming them -------------------------
@pytest.mark.parametrize('args,needle', [
    (['--model', 'standard', '--target-params', '100'], '--target-params: --model standard has no genesis lifecycle'),
    (['--model', 'lstm', '--target-particles', '3'], '--target-particles: --model lstm'),
    (['--model', 'standard', '--target-from', '5', '--target-by', '-1'], '--target-by, --target-from'),
    (['--model', 'genesis-two-branch', '--replace', 'fc'], '--replace shapes only --model genesis'),
    (['--model', 'genesis-mlp', '--replace', 'bogus'], '--replace shapes only --model genesis'),
    (['--model', 'genesis', '--replace', ','], "--replace ',' names no layer"),
    (['--model', 'genesis', '--spawn-prob', '0.5'], '--spawn-prob belong to --clock steps'),
    (['--model', 'genesis', '--clock', 'steps', '--no-rebirth'], '--rebirth belong to --clock training'),
])
def test_ignored_option_is_refused(tmp_path, args, needle):
    out = tmp_path/'o'
    one_line_error(run('train', *TINY, '--out', str(out), *args), needle)
    assert not (out/'record.json').exists()                                # no record that claims the option

# --- hardening II: export takes the model its record describes, and never loses or half-writes a file -------------
@pytest.fixture
def run_copy(tmp_path, one_epoch_run):
    import shutil
    shutil.copytree(one_epoch_run, tmp_path/'run', ignore=shutil.ignore_patterns('.lock'))
    return tmp_path/'run'

def test_export_refuses_to_write_over_its_own_run(run_copy):
    before = (run_copy/'checkpoint.ckpt').read_bytes()
    one_line_error(run('export', str(run_copy), '--out', str(run_copy/'checkpoint.ckpt')),
                   "the run's own checkpoint.ckpt")
    assert (run_copy/'checkpoint.ckpt').read_bytes() == before

@pytest.mark.parametrize('text,needle', [('{"model": "genesis", "opt', 'is not valid JSON'), ('[1, 2]', "no 'options'"),
                                         ('{"model": "genesis"}', "no 'options'")])
def test_export_names_a_damaged_record(run_copy, text, needle):
    (run_copy/'record.json').write_text(text)
    one_line_error(run('export', str(run_copy), '--out', str(run_copy.parent/'m.onnx')),
                   str(run_copy/'record.json'), needle)

def test_export_refuses_a_checkpoint_the_record_does_not_describe(run_copy):
    rec = json.loads((run_copy/'record.json').read_text()); rec['steps'] -= 1   # as if a --resume went on and stopped
    (run_copy/'record.json').write_text(json.dumps(rec))
    one_line_error(run('export', str(run_copy), '--out', str(run_copy.parent/'m.onnx')), 'interrupted --resume')

def test_export_without_a_checkpoint_says_what_to_do(run_copy):
    (run_copy/'checkpoint.ckpt').unlink()
    line = one_line_error(run('export', str(run_copy), '--out', str(run_copy.parent/'m.onnx')), 'no checkpoint.ckpt')
    assert '--resume' not in line

# --- hardening II: a damaged study file is named, never a traceback ------------------------------------------------
@pytest.mark.parametrize('damage,needle', [
    (lambda f: (f/'runs.jsonl.gz').write_bytes(b'no gzip here'), 'is not a whole gzip archive'),
    (lambda f: (f/'runs.jsonl.gz').write_bytes(gzip.compress(b'{"run_id": "a"}\n' * 50)[:-12]), 'is not a whole gzip'),
    (lambda f: (f/'runs.jsonl').write_text('[1, 2, 3]\n{"run_id": "x"}\n'), 'line 1: JSON, but not a run record'),
])
def test_damaged_study_files_are_named(tmp_path, damage, needle):
    folder = tmp_path/'tiny'; folder.mkdir()
    damage(folder)
    one_line_error(run('reproduce', '--tiny', '--out', str(tmp_path)), needle, 'tiny')

def test_rerun_of_a_record_without_metrics_is_refused(tmp_path):
    folder = tmp_path/'quick'; folder.mkdir()
    rec = json.loads((Path(__file__).resolve().parent.parent/'results/quick/runs.jsonl').read_text().splitlines()[0])
    del rec['metrics']
    (folder/'runs.jsonl').write_text(json.dumps(rec) + '\n')
    one_line_error(run('reproduce', '--quick', '--out', str(tmp_path), '--rerun', rec['run_id']),
                   'no val and test metrics')

# --- hardening II: Ray fails fast on a dead address, takes the folder before it starts, and ends cleanly on SIGTERM --
def test_dead_ray_address_fails_within_seconds(tmp_path):
    t0 = time.time()
    one_line_error(run('reproduce', '--tiny', '--address', '127.0.0.1:1', '--out', str(tmp_path), timeout=120),
                   'nothing answers at --address 127.0.0.1:1')
    assert time.time() - t0 < 60

def test_ray_call_on_a_held_folder_is_refused_before_ray_starts(tmp_path):
    import fcntl
    folder = tmp_path/'tiny'; folder.mkdir()
    with open(folder/'.lock', 'a+') as f:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB); f.write(str(os.getpid())); f.flush()
        sessions = lambda: set(Path('/tmp/ray').glob('session_2*'))   # each start of a local Ray makes one
        before = sessions()
        one_line_error(run('reproduce', '--tiny', '--workers', '2', '--out', str(tmp_path)), 'in use by another')
        assert sessions() == before                                      # no local Ray was started first

def test_sigterm_ends_a_ray_driver_cleanly(tmp_path):
    p = start('reproduce', '--tiny', '--workers', '2', '--out', str(tmp_path))
    wait_for(lambda: (tmp_path/'tiny'/'runs.jsonl').exists() or p.poll() is not None, timeout=300, every=0.2)
    p.send_signal(signal.SIGTERM); _, err = p.communicate(timeout=120)
    assert p.returncode == 130 and 'Traceback' not in err and 'SIGTERM received' not in err, (p.returncode, err[-2000:])
    assert json.loads((tmp_path/'tiny'/'meta.json').read_text())['calls'][-1]['status'] == 'interrupted'

# --- hardening II: torchrun jobs end promptly, each rank with at most one line ---------------------------------------
TORCHRUN = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc-per-node', '2',
            '-m', 'genesis_nb.cli']

def _rank_pid(rank: int):
    "The pid of the genesis_nb.cli process of torchrun rank `rank` (from /proc), or None."
    for d in Path('/proc').iterdir():
        try:
            env = b'\0' + (d/'environ').read_bytes()
            if b'genesis_nb.cli' in (d/'cmdline').read_bytes() and f'\0RANK={rank}\0'.encode() in env:
                return int(d.name)
        except (OSError, ValueError): continue
    return None

def test_torchrun_job_ends_promptly_when_rank_0_refuses_out(tmp_path):
    (tmp_path/'file').write_text('not a folder')
    r = subprocess.run([*TORCHRUN, 'train', *TINY, '--out', str(tmp_path/'file')], capture_output=True, text=True,
                       timeout=300, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode != 0, r.stderr[-2000:]
    assert any(l.startswith('genesis-nb: ') and 'not a folder' in l for l in r.stderr.splitlines()), r.stderr[-2000:]
    # rank 1 ended on torchrun's SIGTERM (-15), not on the SIGKILL torchrun sends 30 s later to a rank that ignores it
    assert '(SIGTERM)' in r.stderr and '(SIGKILL)' not in r.stderr and 'exitcode  : -9' not in r.stderr, r.stderr[-2000:]

def test_torchrun_surviving_rank_says_one_line(tmp_path):
    p = subprocess.Popen([*TORCHRUN, 'train', '--train-size', '5000', '--val-size', '500', '--epochs', '5',
                          '--no-progress', '--out', str(tmp_path/'o')], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    wait_for(lambda: _rank_pid(1) is not None and (tmp_path/'o'/'.lock').exists() or p.poll() is not None, timeout=120)
    time.sleep(3)                                                            # both ranks are training
    os.kill(_rank_pid(1), signal.SIGKILL)
    _, err = p.communicate(timeout=180)
    ours = [l for l in err.splitlines() if 'genesis_nb' in l and 'File "' in l]   # a traceback through our code
    assert p.returncode != 0 and not ours, err[-3000:]
    # rank 0 ends on whichever comes first: its failed collective, or torchrun's SIGTERM once it sees rank 1 gone
    ours = [l for l in err.splitlines() if l.startswith('genesis-nb: ')]
    assert len(ours) == 1 and (ours[0].startswith('genesis-nb: rank 0 of this torchrun job stopped because another')
                               or ours[0] == 'genesis-nb: interrupted'), err[-3000:]

def test_export_on_a_full_disk_keeps_the_old_file(run_copy):
    import resource
    old = run_copy.parent/'model.onnx'; old.write_bytes(b'the previous export')
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (8_000, 8_000))   # writes past 8 kB fail: a full disk
    out = subprocess.run(['genesis-nb', 'export', str(run_copy), '--out', str(old)], capture_output=True, text=True,
                         timeout=600, preexec_fn=limit)
    one_line_error(out, f'writing {old} failed', 'is as it was')
    assert old.read_bytes() == b'the previous export'
    assert sorted(p.name for p in run_copy.parent.iterdir()) == ['model.onnx', 'run']   # no half-written file left

def test_snapshot_of_a_continued_study_keeps_the_archive(tmp_path):
    # a study continued from its committed archive: records in runs.jsonl.gz, new ones appended to runs.jsonl,
    # the last line torn (a run being written at the moment of the copy)
    src, dst = tmp_path/'running', tmp_path/'committed'
    src.mkdir()
    recs = [dict(run_id=f'r{i}') for i in range(5)]
    (src/'runs.jsonl.gz').write_bytes(gzip.compress(''.join(json.dumps(r) + '\n' for r in recs[:3]).encode()))
    (src/'runs.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in recs[3:]) + '{"run_id": "r5", "met')
    (src/'meta.json').write_text('{"wall_time_s": 1.0}')
    out = subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent/'tools'/'snapshot_study.py'),
                          str(src), '--to', str(dst), '--no-reports'], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    from genesis_nb.study import load_runs
    assert [r['run_id'] for r in load_runs(dst)] == [f'r{i}' for i in range(5)]
    assert not (dst/'runs.jsonl').exists() and json.loads((dst/'meta.json').read_text()) == {'wall_time_s': 1.0}
    assert not (dst/'ledger.csv').exists()
