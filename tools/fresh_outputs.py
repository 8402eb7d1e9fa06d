"""Fresh outputs: re-execute the chapters and fail where a committed text output differs from the fresh one.

The docs show each notebook's saved outputs, so a saved output that the committed code no longer produces is a
stale number on the site. This check runs every notebook top to bottom (as `nbdev_test` does, in the notebooks'
folder) and compares, cell by cell, the text a reader sees: printed text and the plain-text, Markdown and HTML
forms of results. Images are not compared (a figure's pixels depend on fonts), stderr is not (progress bars).

A cell whose output depends on the machine or the clock says so in its first line, visibly, with a comment:

    # output varies: <why> (timings, the CPU, …)

and is left out of the comparison. Memory addresses (`0x7f…`) and trailing spaces are ignored.

The saved outputs were computed on the CPU that `tools/execute_nbs.sh` names in `nbs/outputs-machine.json`. On a
CPU with other vector kernels (say AVX2 where the outputs came from AVX-512) floating point differs in the last
digits, and a genesis lifecycle decision can flip: there numbers in a text must agree within `CROSS_CPU` (relative,
the order of the study's measured cross-CPU tolerance), and the text around them exactly.

Usage: python tools/fresh_outputs.py [NOTEBOOK ...] [--n_workers 2]   (default: every notebook in nbs/)
"""
import argparse, json, os, re, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r'-?\d[\d,]*(?:\.\d+)?(?:e-?\d+)?')
CROSS_CPU = 0.02
VARIES = re.compile(r'^#\s*output varies\b', re.I | re.M)
SKIP_FLAGS = re.compile(r'^#\|\s*eval\s*:\s*false', re.M)


def text_of(outputs: list) -> str:
    """What a reader reads in a cell's outputs, normalised: the printed text, then the text forms of the results (the
    two are kept apart: a shell may save a cell's prints before or after its displays)."""
    printed, shown = [], []
    for o in outputs:
        kind = o.get('output_type')
        if kind == 'stream' and o.get('name') == 'stdout': printed.append(''.join(o.get('text', '')))
        elif kind in ('execute_result', 'display_data'):
            d = o.get('data', {})
            for mime in ('text/markdown', 'text/html', 'text/plain'):
                if mime in d and not ('image/png' in d and mime == 'text/plain'):
                    shown.append(''.join(d[mime])); break
        elif kind == 'error': shown.append(f"error: {o.get('ename')}: {o.get('evalue')}")
    s = re.sub(r'0x[0-9a-f]{6,}', '0x…', ''.join(printed).strip() + '\n' + '\n'.join(shown))
    return '\n'.join(l.rstrip() for l in s.strip().splitlines())


def same_cpu_kernels() -> bool:
    "Whether this CPU runs the same kernels as the one that computed the saved outputs (nbs/outputs-machine.json)."
    from genesis_nb.train import cpu_fingerprint
    f = ROOT/'nbs'/'outputs-machine.json'
    if not f.exists(): return True
    saved, here = json.loads(f.read_text()), cpu_fingerprint()
    return (saved.get('cpu'), saved.get('isa')) == (here['cpu'], here['isa'])


def agree(saved: str, fresh: str, exact: bool) -> bool:
    "The same text; on other CPU kernels, the same text around numbers that agree within `CROSS_CPU`."
    if saved == fresh or exact: return saved == fresh
    if NUMBER.sub('#', saved) != NUMBER.sub('#', fresh): return False
    num = lambda t: float(t.replace(',', ''))
    return all(abs(num(a) - num(b)) <= CROSS_CPU * max(1., abs(num(a)))
               for a, b in zip(NUMBER.findall(saved), NUMBER.findall(fresh)))


def first_difference(a: str, b: str) -> str:
    for i, (x, y) in enumerate(zip(a.splitlines() + [''], b.splitlines() + [''])):
        if x != y: return f'line {i + 1}: saved {x[:90]!r}, fresh {y[:90]!r}'
    return 'lengths differ'


def check_notebook(path: str) -> list[str]:
    "Execute one notebook in a fresh shell; the cells whose text output differs from the saved one."
    from execnb.nbio import read_nb
    from execnb.shell import CaptureShell
    p, exact = Path(path), same_cpu_kernels()
    nb = read_nb(p)
    saved = [text_of(c.get('outputs', [])) if c.cell_type == 'code' else None for c in nb.cells]
    os.chdir(p.parent)
    sh = CaptureShell(p)
    skip = lambda c: c.cell_type == 'code' and SKIP_FLAGS.search(c.source)
    try: sh.run_all(nb, exc_stop=True, preproc=skip)
    except Exception as e: return [f'{p.name}: the notebook failed to run: {type(e).__name__}: {str(e)[:200]}']
    out = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != 'code' or VARIES.search(c.source) or skip(c): continue
        fresh = text_of(c.get('outputs', []))
        if not agree(saved[i], fresh, exact):
            src = c.source.strip().splitlines()[0][:60] if c.source.strip() else ''
            out.append(f'{p.name}, cell {i} ({src!r}): the saved output is stale: {first_difference(saved[i], fresh)}')
    return out


def run_one(nb: str) -> list[str]:
    "`check_notebook` in a fresh Python process (IPython's shell takes over `__main__`; Ray needs a normal process)."
    r = subprocess.run([sys.executable, __file__, '--one', nb], capture_output=True, text=True)
    try: return json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError): return [f'{Path(nb).name}: the check crashed: {r.stderr.strip()[-300:]}']


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', type=Path, help='notebooks (default: every notebook in nbs/)')
    ap.add_argument('--n_workers', type=int, default=2)
    ap.add_argument('--one', default=None, help=argparse.SUPPRESS)   # internal: check one notebook, print JSON
    a = ap.parse_args()
    os.environ.setdefault('MPLBACKEND', 'Agg')
    if a.one:
        out = check_notebook(a.one)
        sys.stdout.flush(); print('\n' + json.dumps(out)); return
    nbs = [str(p.resolve()) for p in (a.notebooks or sorted((ROOT/'nbs').glob('*.ipynb')))]
    bad = []
    with ThreadPoolExecutor(a.n_workers) as ex:
        for nb, r in zip(nbs, ex.map(run_one, nbs)):
            print(f'{Path(nb).name}: {f"{len(r)} stale output(s)" if r else "fresh"}', flush=True)
            bad += r
    if bad: sys.exit('fresh outputs check failed (re-execute with tools/execute_nbs.sh, or mark a cell whose output '
                     'depends on the machine with "# output varies: <why>"):\n' + '\n'.join(f'  {d}' for d in bad))
    print(f'fresh outputs: {len(nbs)} notebooks re-executed, every saved text output current')


if __name__ == '__main__': main()
