"""Command-line behaviour seen from outside the process: the installed console script, exit codes, speed of failure."""
import json, os, subprocess, sys, time
from pathlib import Path

import pytest

def run(*args, env=None, timeout=600):
    return subprocess.run(['genesis-nb', *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})

def test_version_importable():
    out = subprocess.run([sys.executable, '-c', 'import genesis_nb; print(genesis_nb.__version__)'], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip()

def test_help_documents_every_option():
    out = run('train', '--help')
    assert out.returncode == 0
    for opt in ('--model', '--train-size', '--epochs', '--seed', '--out', '--data', '--protocol', '--num-particles', '--tau',
                '--spawn-prob', '--pressure', '--resume', '--precision', '--device', '--target-params', '--target-particles',
                '--replace', '--rank', '--grace-steps', '--target-from', '--target-by', '--clock', '--birth-rate',
                '--grace', '--run-pressure', '--rebirth', '--allocation', '--headroom', '--floor', '--genesis-head'):
        assert opt in out.stdout, opt
    assert '(default: None)' not in out.stdout          # a default is shown only when there is one

def test_tune_help():
    out = run('tune', '--help')
    assert out.returncode == 0
    for opt in ('--method', '--network', '--trials', '--out', '--factor', '--train-size', '--epochs', '--sampler-seed'):
        assert opt in out.stdout, opt

def test_missing_data_fails_fast_with_a_clear_message(tmp_path):
    t0 = time.time()
    out = run('train', '--data', str(tmp_path), '--out', str(tmp_path/'run'), env={'GENESIS_NB_DATA': ''})
    took = time.time() - t0
    assert out.returncode == 2
    assert 'GENESIS_NB_DATA' in out.stderr and 'train-images-idx3-ubyte' in out.stderr and str(tmp_path) in out.stderr
    assert 'Traceback' not in out.stderr
    assert took < 60, took   # a generous bound on failing, not a benchmark: no retry storm

def test_corrupt_checkpoint_is_refused(tmp_path):
    (tmp_path/'checkpoint.ckpt').write_bytes(b'not a checkpoint')
    out = run('train', '--resume', '--out', str(tmp_path), '--epochs', '1', '--train-size', '100', '--no-progress')
    assert out.returncode == 2 and 'corrupt or truncated' in out.stderr and 'Traceback' not in out.stderr

def test_train_writes_record_with_provenance(tmp_path):
    out = run('train', '--model', 'standard', '--train-size', '200', '--epochs', '1', '--out', str(tmp_path), '--no-progress')
    assert out.returncode == 0, out.stderr
    assert 'test accuracy:' in out.stdout
    rec = json.loads((tmp_path/'record.json').read_text())
    for k in ('command', 'git', 'versions', 'machine', 'date'): assert k in rec['provenance']
    assert rec['seed'] == 0 and rec['data_sizes']['train'] == 200 and rec['stats']['params_total'] == 54_666

def test_main_job_without_data_fails_fast(tmp_path):
    t0 = time.time()
    out = run('reproduce', '--quick', '--data', str(tmp_path/'empty'), '--out', str(tmp_path/'res'), env={'GENESIS_NB_DATA': ''})
    assert out.returncode == 2, out.stderr
    assert 'GENESIS_NB_DATA' in out.stderr and 'Traceback' not in out.stderr
    assert time.time() - t0 < 60

def test_rerun_one_committed_record():
    root = Path(__file__).resolve().parent.parent/'results'
    rec = next(json.loads(l) for l in (root/'quick'/'runs.jsonl').read_text().splitlines()
               if json.loads(l)['method'] == 'standard' and json.loads(l)['dataset'] == 'mnist')
    out = run('reproduce', '--quick', '--out', str(root), '--rerun', rec['run_id'])
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"run {rec['run_id']} (standard" in out.stdout and 'with its record' in out.stdout and 'DOES NOT AGREE' not in out.stdout

def test_rerun_of_an_unknown_run_is_refused(tmp_path):
    out = run('reproduce', '--quick', '--out', str(tmp_path), '--rerun', 'nope')
    assert out.returncode == 2 and "no run 'nope'" in out.stderr and 'Traceback' not in out.stderr
