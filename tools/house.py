"""The house in reading order, checked: the package's import graph read from its source.

Each module of `genesis_nb` belongs to the chapter (notebook) it is exported from, read from its `# %% ../nbs/NN_...`
cell headers. An import is any `import`/`from ... import` of a package module anywhere in a module (a deferred import
inside a function counts), a string naming a module that `importlib.import_module` may load, or `import genesis_nb`
itself (the package root imports chapters, so a chapter that imports it imports them all).

The house is in order when the graph has no circle, no module imports a module of a later chapter (or the package
root), and no function is over `LONGEST` lines (`fit`, the training loop, no more than `LONGEST_FIT`).

Usage: python tools/house.py            # report; exit 1 when the house is out of order
       python tools/house.py --table    # the chapters and which builds on which, as a Markdown table
"""
from __future__ import annotations
import argparse, ast, re, sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent/'genesis_nb'
LONGEST, LONGEST_FIT = 60, 40
_HEADER = re.compile(r'^# %% \.\./nbs/([^ /]+)\.ipynb', re.M)


def chapters(package: Path = PACKAGE) -> dict:
    "Each exported module's chapter: {module: (number, notebook)}; a module exported from two notebooks is an error."
    out = {}
    for f in sorted(package.glob('*.py')):
        heads = set(_HEADER.findall(f.read_text()))
        if not heads: continue   # __init__, _modidx: not a chapter's
        if len(heads) > 1: raise SystemExit(f'{f.name} is exported from several notebooks: {sorted(heads)}')
        nb, = heads
        if not (m := re.match(r'(\d+)_', nb)): raise SystemExit(f'{f.name}: notebook {nb} has no chapter number NN_')
        out[f.stem] = (int(m.group(1)), nb)
    return out


def _targets(node, modules) -> list[str]:
    "The package modules (or '__init__') that one AST node imports or names for a dynamic import."
    if isinstance(node, ast.ImportFrom):
        base = node.module or ''
        if node.level == 1 or base.startswith('genesis_nb'):
            base = base.removeprefix('genesis_nb').lstrip('.')
            if base: return [base.split('.')[0]]
            return [a.name for a in node.names if a.name in modules] or ['__init__']
        return []
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names if a.name.split('.')[0] == 'genesis_nb']
        return [n.split('.')[1] if '.' in n else '__init__' for n in names]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        m = re.fullmatch(r'genesis_nb\.(\w+)', node.value)
        return [m.group(1)] if m and m.group(1) in modules else []
    return []


def import_graph(package: Path = PACKAGE) -> dict:
    "{module: {imported module: [line, ...]}} over the chapters' modules."
    chaps = chapters(package)
    graph = {}
    for mod in chaps:
        edges = {}
        for node in ast.walk(ast.parse((package/f'{mod}.py').read_text())):
            for t in _targets(node, chaps):
                if t != mod: edges.setdefault(t, []).append(node.lineno)
        graph[mod] = edges
    return graph


def circles(graph: dict) -> list[list[str]]:
    "The strongly connected groups of more than one module (Tarjan): every import circle lies inside one."
    index, low, stack, on, out = {}, {}, [], set(), []
    def visit(v):
        index[v] = low[v] = len(index); stack.append(v); on.add(v)
        for w in graph.get(v, {}):
            if w not in graph: continue
            if w not in index: visit(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop(); on.discard(w); group.append(w)
                if w == v: break
            if len(group) > 1: out.append(sorted(group))
    for v in graph:
        if v not in index: visit(v)
    return out


def later_imports(graph: dict, chaps: dict) -> list[str]:
    "Imports of a module of a later chapter, or of the package root."
    bad = []
    for mod, edges in graph.items():
        for t, lines in edges.items():
            if t == '__init__' or chaps[t][0] > chaps[mod][0]:
                where = 'the package root' if t == '__init__' else f'{t} (chapter {chaps[t][1]})'
                bad.append(f'{mod} (chapter {chaps[mod][1]}) imports {where} at line(s) {lines}')
    return bad


def long_functions(package: Path = PACKAGE) -> list[str]:
    "Functions over `LONGEST` lines (from `def` to their last line), and `fit` over `LONGEST_FIT`."
    bad = []
    for mod in chapters(package):
        for node in ast.walk(ast.parse((package/f'{mod}.py').read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                limit = LONGEST_FIT if (mod, node.name) == ('train', 'fit') else LONGEST
                if n > limit: bad.append(f'{mod}.{node.name}: {n} lines (at most {limit})')
    return bad


def defects(package: Path = PACKAGE) -> list[str]:
    "Everything that puts the house out of order; empty when it is in order."
    chaps, graph = chapters(package), import_graph(package)
    return ([f'import circle: {" ↔ ".join(c)}' for c in circles(graph)] + later_imports(graph, chaps)
            + long_functions(package))


def notebook_notes(nbs: Path = PACKAGE.parent/'nbs') -> list[str]:
    """Cells that are not exported but import a later chapter's module (a demonstration ahead of its chapter): reported,
    not counted as defects (the package is what a user imports)."""
    import json
    chaps = chapters()
    num = {nb: n for n, nb in chaps.values()}
    out = []
    for f in sorted(nbs.glob('[0-9]*.ipynb')):
        me = int(f.name.split('_')[0])
        for c in json.loads(f.read_text())['cells']:
            s = ''.join(c['source'])
            if c['cell_type'] != 'code' or s.startswith('#| export'): continue
            for m in sorted(set(re.findall(r'(?:from|import) genesis_nb\.(\w+)', s))):
                if m in chaps and chaps[m][0] > me: out.append(f'{f.stem} shows {m} (chapter {chaps[m][1]})')
    return sorted(set(out))


def chapter_table(package: Path = PACKAGE) -> str:
    "The chapters that export a module and the earlier chapters each builds on (imports), as Markdown."
    chaps, graph = chapters(package), import_graph(package)
    rows = ['| chapter | module | builds on |', '|---|---|---|']
    for mod, (num, nb) in sorted(chaps.items(), key=lambda kv: kv[1]):
        deps = sorted((t for t in graph[mod] if t in chaps), key=lambda t: chaps[t])
        rows.append(f"| {nb} | `{mod}` | {', '.join(f'`{t}`' for t in deps) or '—'} |")
    return '\n'.join(rows)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--table', action='store_true', help='print the chapters and which builds on which')
    a = ap.parse_args()
    if a.table: print(chapter_table()); sys.exit(0)
    found = defects()
    for d in found: print(d)
    for n in notebook_notes(): print(f'note: {n}')
    print(f'{len(found)} defect(s)' if found else 'the house is in reading order: no circle, no import of a later '
          f'chapter, no function over {LONGEST} lines, fit within {LONGEST_FIT}')
    sys.exit(1 if found else 0)
