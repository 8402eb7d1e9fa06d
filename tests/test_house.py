"The house in reading order: the import graph of the package, read from its source (tools/house.py)."
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'tools'))
import house


def test_house_in_reading_order():
    assert house.defects() == []


def test_checker_finds_what_it_checks(tmp_path):
    "A circle, an import of a later chapter (deferred, inside a function) and a long function are each reported."
    (tmp_path/'a.py').write_text('# %% ../nbs/01_a.ipynb\nfrom .b import x\n')
    (tmp_path/'b.py').write_text('# %% ../nbs/02_b.ipynb\ndef f():\n    from genesis_nb.a import y\n'
                                 + '    pass\n' * 61)
    (tmp_path/'c.py').write_text('# %% ../nbs/03_c.ipynb\nimport genesis_nb\n')
    found = '\n'.join(house.defects(tmp_path))
    assert 'import circle: a ↔ b' in found
    assert 'a (chapter 01_a) imports b (chapter 02_b)' in found
    assert 'c (chapter 03_c) imports the package root' in found
    assert 'b.f: 63 lines' in found


def test_index_shows_the_current_structure():
    "The index page's table of chapters is the one the source gives (it cannot go stale)."
    cells = json.loads((ROOT/'nbs'/'index.ipynb').read_text())['cells']
    assert any(house.chapter_table() in ''.join(c['source']) for c in cells if c['cell_type'] == 'markdown')
