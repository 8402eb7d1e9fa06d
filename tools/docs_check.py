"""Quarto-free docs check: process the notebooks as nbdev's docs build does, then render each
processed notebook to HTML with nbconvert. Fails on a processing error, an error output saved in a
notebook, or a notebook that does not render."""
import json, sys
from pathlib import Path

def main():
    from nbdev.serve import proc_nbs
    from nbconvert import HTMLExporter
    cache = Path(proc_nbs(force=True))
    nbs = sorted(cache.glob('*.ipynb'))
    if not nbs: sys.exit('docs check: proc_nbs produced no notebooks')
    out = cache.parent/'_html'; out.mkdir(exist_ok=True)
    exporter, bad = HTMLExporter(), []
    for nb in nbs:
        data = json.loads(nb.read_text())
        errs = [o for c in data['cells'] for o in c.get('outputs', []) if o.get('output_type') == 'error']
        if errs: bad.append(f'{nb.name}: {len(errs)} saved error output(s)')
        body, _ = exporter.from_filename(str(nb))
        (out/(nb.stem + '.html')).write_text(body)
        print(f'rendered {nb.name} -> {out.name}/{nb.stem}.html ({len(body)//1024} KiB)')
    if bad: sys.exit('docs check failed:\n' + '\n'.join(bad))
    print(f'docs check: {len(nbs)} notebooks processed and rendered')

if __name__ == '__main__': main()
