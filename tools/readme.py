"""Write README.md from nbs/index.ipynb (what `nbdev_readme` does with Quarto, done without it).

Markdown cells are copied; code cells become ```python blocks followed by their saved text output.
Run: python tools/readme.py            (writes README.md)
     python tools/readme.py --check    (exit 1 if README.md is out of date)
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render(nb_path=root/'nbs'/'index.ipynb') -> str:
    nb = json.loads(nb_path.read_text())
    out = []
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if src.startswith('#|') and ('hide' in src.splitlines()[0] or 'default_exp' in src.splitlines()[0]): continue
        if c['cell_type'] == 'markdown':
            lines = src.splitlines()
            # nbdev's title cell: "# Title" then "> summary"
            out.append('\n'.join(lines))
        elif c['cell_type'] == 'code' and src:
            out.append('```python\n' + '\n'.join(l for l in src.splitlines() if not l.startswith('#|')) + '\n```')
            for o in c.get('outputs', []):
                txt = o.get('text') or o.get('data', {}).get('text/markdown') or o.get('data', {}).get('text/plain')
                if txt and 'image/png' not in o.get('data', {}):
                    out.append('    ' + ''.join(txt).rstrip().replace('\n', '\n    '))
    return '<!-- WARNING: generated from nbs/index.ipynb by tools/readme.py; edit the notebook, not this file -->\n\n' + '\n\n'.join(out) + '\n'

if __name__ == '__main__':
    text = render()
    if '--check' in sys.argv:
        if (root/'README.md').read_text() != text:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `python tools/readme.py`.')
    else: (root/'README.md').write_text(text)
