"""The browser check of the docs (tools/browser_check.py) passes a clean page and fails on the defects it is for.
It needs Debian's chromium and libjs-katex, which `.ci/run` installs."""
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def page(tmp_path, name, markdown, outputs=()):
    nb = dict(cells=[dict(cell_type='raw', metadata={}, source=f'---\ntitle: A page\ndescription: one line\n'
                                                              f'output-file: {name}.html\n---\n'),
                     dict(cell_type='markdown', metadata={}, source=markdown),
                     dict(cell_type='code', metadata={}, source='x', execution_count=1, outputs=list(outputs))],
              metadata={}, nbformat=4, nbformat_minor=5)
    p = tmp_path/f'{name}.ipynb'; p.write_text(json.dumps(nb)); return p

def check(*pages):
    return subprocess.run([sys.executable, str(ROOT/'tools'/'browser_check.py'), *map(str, pages)],
                          capture_output=True, text=True, timeout=600)

def test_a_clean_page_passes(tmp_path):
    r = check(page(tmp_path, 'good', '## Math\n\n$y = Ax + b$ and a table:\n\n| a | b |\n|---|---|\n| 1 \\| 2 | 3 |\n'))
    assert r.returncode == 0, r.stdout + r.stderr

def test_a_broken_table_fails(tmp_path):
    r = check(page(tmp_path, 'bad', '| a | b |\n|---|---|\n| 1 | 2 | 3 |\n'))
    assert r.returncode == 1 and 'table row 1 has 3 cells, its header 2' in r.stderr, r.stdout + r.stderr

def test_math_error_stderr_path_and_dead_link_fail(tmp_path):
    stderr = dict(output_type='stream', name='stderr', text='UserWarning: something\n')
    path = dict(output_type='stream', name='stdout', text='saved to /tmp/run/x.json\n')
    r = check(page(tmp_path, 'bad2', 'Broken math $\\notacommand x$ and [a chapter](99_nothing.ipynb).', [stderr, path]))
    assert r.returncode == 1
    for what in ('math error', 'stderr block', 'absolute path', 'not a page of the site'): assert what in r.stderr, what

def test_a_wide_table_fails(tmp_path):
    wide = '| ' + ' | '.join(f'column_{i}_{"x" * 12}' for i in range(12)) + ' |\n|' + '---|' * 12 + '\n| ' + ' | '.join(['1'] * 12) + ' |\n'
    r = check(page(tmp_path, 'wide', wide))
    assert r.returncode == 1 and 'wider than the column' in r.stderr, r.stdout + r.stderr
