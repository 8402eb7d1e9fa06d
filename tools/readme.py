"""Write README.md from nbs/index.ipynb (what `nbdev_readme` does with Quarto, done without it).

Markdown cells are copied; code cells become ```python blocks followed by their saved text output.
Run: python tools/readme.py            (writes README.md)
     python tools/readme.py --check    (exit 1 if README.md is out of date)
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render(nb_path=root/'nbs'/'index.ipynb') -> str:
    nb = json.loads(nb_path.read_text())
    out, figures = [], []
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if src.startswith('#|') and ('hide' in src.splitlines()[0] or 'default_exp' in src.splitlines()[0]): continue
        if c['cell_type'] == 'markdown':
            lines = src.splitlines()
            # nbdev's title cell: "# Title" then "> summary"
            out.append('\n'.join(lines))
        elif c['cell_type'] == 'code' and src:
            directives = [l for l in src.splitlines() if l.startswith('#|')]
            if not any(l.replace(' ', '') == '#|echo:false' for l in directives):   # echo: false shows only the output
                out.append('```python\n' + '\n'.join(l for l in src.splitlines() if not l.startswith('#|')) + '\n```')
            for o in c.get('outputs', []):
                data = o.get('data', {})
                if 'image/png' in data:
                    n = len(figures); figures.append(data['image/png'])
                    out.append(f'![](index_files/figure-{n}.png)'); continue
                if 'text/markdown' in data: out.append(''.join(data['text/markdown']).strip()); continue
                txt = o.get('text') or data.get('text/plain')
                if txt: out.append('    ' + ''.join(txt).rstrip().replace('\n', '\n    '))
    render.figures = figures
    # the chapters live in nbs/: links that work on the docs site must point there from the repository root
    out = [re.sub(r'\]\((\d\d_[\w-]+\.ipynb|index\.ipynb)(#[\w-]*)?\)', r'](nbs/\1\2)', o) for o in out]
    return '<!-- WARNING: generated from nbs/index.ipynb by tools/readme.py; edit the notebook, not this file -->\n\n' + '\n\n'.join(out) + '\n'

if __name__ == '__main__':
    text = render()
    if '--check' in sys.argv:
        if (root/'README.md').read_text() != text:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `python tools/readme.py`.')
    else:
        import base64
        (root/'README.md').write_text(text)
        if render.figures: (root/'index_files').mkdir(exist_ok=True)
        for i, b64 in enumerate(render.figures): (root/'index_files'/f'figure-{i}.png').write_bytes(base64.b64decode(b64))
