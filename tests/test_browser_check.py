"""The browser check of the site (tools/browser_check.py) passes a page built by tools/build_docs.py and fails on the
defects it is for, including the pages as they were before the site (a fixture: two chapters as the docs check
rendered them then). It needs Debian's chromium and libjs-katex, which `.ci/run` installs."""
import base64, io, json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = Path(__file__).resolve().parent/'fixtures'/'pages-before-the-site'


def notebook(folder, name, cells):
    front = dict(cell_type='raw', metadata={}, source=f'---\ntitle: The {name} page\ndescription: "One line, with '
                                                        f'an em dash \\u2014 and a listing\'\'s quote"\n'
                                                        f'output-file: {name}.html\n---\n')
    nb = dict(cells=[front] + cells, metadata={}, nbformat=4, nbformat_minor=5)
    p = folder/f'{name}.ipynb'; p.write_text(json.dumps(nb)); return p


def md(text): return dict(cell_type='markdown', metadata={}, source=text)


def code(src, *outputs): return dict(cell_type='code', metadata={}, source=src, execution_count=1, outputs=list(outputs))


def text_out(s, name='stdout'): return dict(output_type='stream', name=name, text=s)


def markdown_out(s): return dict(output_type='display_data', metadata={}, data={'text/markdown': s, 'text/plain': ''})


def png_out(fontsize, width_in):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    plt.rcParams.update({'font.size': fontsize})
    fig, ax = plt.subplots(figsize=(width_in, 3), dpi=100)
    ax.plot([1, 2, 3], [3, 1, 2], label='a method'); ax.set_xlabel('stored bytes'); ax.set_ylabel('test accuracy')
    ax.set_title('one network, 1000 images'); ax.legend()
    b = io.BytesIO(); fig.savefig(b, format='png', bbox_inches='tight'); plt.close(fig); plt.rcdefaults()
    return dict(output_type='display_data', metadata={},
                data={'image/png': base64.b64encode(b.getvalue()).decode(), 'text/plain': '<Figure>'})


def run(*args):
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, timeout=900, cwd=ROOT)


def build_and_check(tmp_path, notebooks):
    site = tmp_path/'site'
    b = run(ROOT/'tools'/'build_docs.py', '--out', site, '--notebooks', *notebooks)
    assert b.returncode == 0, b.stdout + b.stderr
    return run(ROOT/'tools'/'browser_check.py', site)


def test_the_pages_before_the_site_fail():
    r = run(ROOT/'tools'/'browser_check.py', BEFORE)
    assert r.returncode == 1, r.stdout + r.stderr
    for what in ('no search index', 'no search box', 'no navigation to', 'code not highlighted',
                 'raw {…} attribute text', 'a link to a site that is not this one'):
        assert what in r.stderr, what


def test_a_built_site_passes(tmp_path):
    good = notebook(tmp_path, 'good', [
        md('## Math\n\n$y = Ax + b$ and a table with row labels:\n\n| what | value |\n|---|---|\n| a | 1 |\n| b | 2 |\n'
           '\n\nThe [other page](other.ipynb#a-section).'),
        code('print("hello")\nx = [i for i in range(3)]', text_out('hello\n')),
        code('plot()', png_out(10, 6))])
    other = notebook(tmp_path, 'other', [md('## A section\n\nBack to [the first page](good.ipynb).')])
    r = build_and_check(tmp_path, [good, other])
    assert r.returncode == 0, r.stdout + r.stderr


def test_what_a_reader_would_see_wrong_fails(tmp_path):
    bad = notebook(tmp_path, 'bad', [
        md('Broken math $\\notacommand x$, an API name [`fit`](https://example.org/fit), [the project\'s made-up host]'
           '(https://github.com/genesis-nb/genesis_nb) and [a dead link](nothing.ipynb).\n\n| | value |\n|---|---|\n| 0 | 1.5 |\n| 1 | 2.5 |\n'),
        code('import warnings', text_out('UserWarning: something\n', 'stderr'), text_out('saved to /tmp/run/x.json\n')),
        code('plot()', png_out(6, 12))])
    other = notebook(tmp_path, 'other', [md('## A section')])
    r = build_and_check(tmp_path, [bad, other])
    assert r.returncode == 1
    for what in ('math error', "the API name 'fit' links off this site", 'a link to a site that is not this one',
                 'a dead link', 'without row labels',
                 'stderr', 'absolute path', 'under 8 pt'):
        assert what in r.stderr, (what, r.stderr)
