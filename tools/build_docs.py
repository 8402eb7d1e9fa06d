"""Build the documentation site from the notebooks: `python tools/build_docs.py --out DIR`.

nbdev processes the notebooks as `nbdev_docs` does before handing them to Quarto (its processors: API entries from
`show_doc`, exported code hidden, names linked). Quarto cannot be installed on our machines, so Sphinx renders
the processed notebooks instead, with myst-nb (it reads notebooks and their saved outputs, and parses Markdown as
MyST, which has Quarto's `$…$` math and `{…}` link attributes) and the Furo theme (navigation to every page, a table
of contents per page, search, highlighted code). Math is typeset by a local KaTeX (Debian's `libjs-katex`): the site
needs no network. `_quarto.yml` and `nbdev_docs` stay for those who have Quarto.

What this script does is what Quarto does with the same notebooks:

* the front matter (`title`, `description`, `output-file`) becomes the page's title, summary and file name;
* Quarto's cell options are honoured: `include: false` drops a cell, `echo: false` hides its code, `output: false`
  its outputs, `output: asis` puts its Markdown output into the page (that is how `show_doc` entries become
  sections), `code-fold: true` folds the code; `#|` lines are not shown;
* API entries are nbdev's `show_doc` with this site's renderer (`api_entry_class`): the heading, a link to the
  source, the signature, the docstring and a table of the parameters (type, default, the comment beside it);
* each module's source is a page here (`source/<module>.html`, highlighted, an anchor per line); links to notebooks
  (`08_study.ipynb#…`) point at their pages, and nbdev's links to names point at their entries on this site (a
  private name, which has no entry, at its line in the source).

Why Sphinx and not mkdocs-material: myst-nb renders a notebook's Markdown outputs as part of the page (the API
entries), parses `$…$` math and Quarto's link attributes, and Sphinx's search and per-page contents work offline.

Usage: python tools/build_docs.py --out DIR [--notebooks NB.ipynb ...]
  --notebooks  build these notebooks as they are (already processed; the tests use it) instead of nbs/
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
KATEX = Path('/usr/share/javascript/katex')
OPTION = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.+?)\s*$')

CONF = '''
project = {project!r}
author = {author!r}
copyright = {copyright!r}
extensions = ['myst_nb']
myst_enable_extensions = ['dollarmath', 'amsmath', 'attrs_inline', 'attrs_block', 'colon_fence', 'deflist',
                          'html_image']
myst_all_links_external = True   # links are resolved here, checked by tools/browser_check.py on the built pages
myst_dmath_double_inline = True
nb_execution_mode = 'off'        # the notebooks' saved outputs are the results: nothing is re-run to build the site
nb_merge_streams = True
nb_render_markdown_format = 'myst'
nb_output_stderr = 'show'
html_theme = 'furo'
html_title = {title!r}
html_static_path = ['_static']
html_css_files = ['katex/katex.min.css', 'site.css']
html_js_files = ['katex/katex.min.js', 'katex/contrib/auto-render.js']
mathjax_path = 'katex-render.js'   # Sphinx's math hook: our local KaTeX typesets what it marks as math
html_show_sourcelink = False
html_copy_source = False
suppress_warnings = ['myst.header', 'mystnb.unknown_mime_type', 'misc.highlighting_failure']
pygments_style = 'friendly'
pygments_dark_style = 'monokai'
'''

SITE_CSS = '''
/* code is visibly code: a tinted block with a bar; outputs are plain, below it */
div.cell_input, div.cell div.highlight { background: var(--color-code-background); }
div.cell_input { border-left: 4px solid var(--color-brand-primary); border-radius: 2px; margin-bottom: .2em; }
div.cell_output .output { border-left: 4px solid var(--color-background-border); padding-left: .4em;
                          background: var(--color-background-primary); }
div.cell_output .output pre, div.cell_output .output.text_plain pre, div.cell_output .output.stream pre {
  background: transparent; font-size: .85em; }
/* no code line is cut: long lines wrap */
.highlight pre, div.cell_output pre { white-space: pre-wrap; overflow-wrap: anywhere; }
/* a module's source scrolls sideways: wrapped lines would hide its indentation */
.source-listing pre { white-space: pre; overflow-x: auto; }
/* API entries: the source link sits on the right of the entry's heading */
a.source-link { float: right; font-size: smaller; }
p.page-summary { font-size: 1.15em; color: var(--color-foreground-secondary); }
div.cell_output img { max-width: 100%; height: auto; }
/* a wide table of results scrolls sideways within the column */
div.cell_output .output.text_html { overflow-x: auto; }
'''


KATEX_RENDER = '''
(function () {   // typeset Sphinx's math markup, \\(…\\) and \\[…\\], with the local KaTeX once it has loaded
  function go() {
    if (!window.renderMathInElement) return setTimeout(go, 20);
    renderMathInElement(document.body, {delimiters: [{left: '\\\\[', right: '\\\\]', display: true},
                                                     {left: '\\\\(', right: '\\\\)', display: false}],
                                        throwOnError: true, ignoredTags: ['script', 'style', 'textarea', 'pre', 'code'],
                                        errorCallback: (msg, err) => { (window.mathErrors = window.mathErrors || [])
                                          .push(String(err).slice(0, 160)); console.error(msg, err); }});
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', go); else go();
})();
'''


def cell_options(src: str) -> tuple[dict, str]:
    "Quarto's `#| key: value` options of a code cell, and its source without any `#|` line."
    opts, keep = {}, []
    for line in src.splitlines():
        m = OPTION.match(line)
        if m: opts[m.group(1)] = m.group(2).strip().strip('"\'').lower()
        elif not line.startswith('#|'): keep.append(line)
    return opts, '\n'.join(keep).strip('\n')


def front_matter(nb: dict) -> dict:
    "The notebook's front matter (nbdev writes it as a raw cell of YAML between `---` lines)."
    import yaml
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'raw' and src.lstrip().startswith('---'):
            return yaml.safe_load(src.strip().strip('-')) or {}
    return {}


class Links:
    "Where links of the processed notebooks point on this site."
    def __init__(self, pages: dict[str, str], entries: set[str]):
        from nbdev.config import get_config
        from nbdev.doclinks import NbdevLookup
        cfg = get_config()
        self.pages, self.entries = pages, entries   # notebook file -> page name; the pages' API entries (page#anchor)
        lookup = NbdevLookup()
        self.doc = urljoin(cfg.doc_host.rstrip('/') + '/', cfg.doc_baseurl.strip('/') + '/')
        self.sym_of = {v[0].removeprefix(self.doc): k for k, v in lookup.syms.items() if isinstance(v, tuple)}
        self.git = f"{cfg.git_url.rstrip('/')}/blob/{cfg.branch}/{cfg.lib_path.name}/"

    def page(self, href: str, prefix: str = '') -> str:
        "The link `href` (from a page `prefix` deep) as a link on this site, or unchanged if it leaves the site."
        if href.startswith(self.doc):
            rel = href[len(self.doc):]
            if '#' in rel and rel not in self.entries and rel in self.sym_of:   # a name without an entry (private):
                return self.source(self.sym_of[rel], prefix)                  # its source
            return prefix + rel
        if href.startswith(self.git):
            mod, _, line = href[len(self.git):].partition('#L')
            return f"{prefix}source/{mod.removesuffix('.py')}.html" + (f'#L-{line}' if line else '')
        m = re.match(r'^(?:\./)?([\w-]+\.ipynb)(#.*)?$', href)
        if m and m.group(1) in self.pages: return f'{prefix}{self.pages[m.group(1)]}.html{m.group(2) or ""}'
        return href

    def source(self, sym: str, prefix: str = '') -> str:
        "The line of this site's source page where `sym` (`package.module.name`) is defined."
        mod, name = sym.split('.')[-2], sym.split('.')[-1]
        lines = (ROOT/sym.split('.')[0]/f'{mod}.py').read_text().splitlines()
        hit = next((i for i, l in enumerate(lines, 1) if re.match(rf'(async def|def|class) {re.escape(name)}\b', l)
                    or re.match(rf'{re.escape(name)}\s*[:=]', l)), None)
        return f'{prefix}source/{mod}.html' + (f'#L-{hit}' if hit else '')

    def markdown(self, md: str) -> str:
        "Markdown with every link mapped to this site."
        return re.sub(r'(\]\()([^)\s]+)(\))', lambda m: m.group(1) + self.page(m.group(2)) + m.group(3), md)


def entry_anchor(name: str) -> str: return re.sub(r'[^\w.-]', '', name).lower()


def entries_of(nb: dict, page: str) -> set[str]:
    "The API entries (`page.html#anchor`) that `show_doc` outputs put on a page."
    out = set()
    for c in nb['cells']:
        if c['cell_type'] == 'code' and cell_options(''.join(c['source']))[0].get('output') == 'asis':
            for o in c.get('outputs', []):
                for m in re.finditer(r'<span id="([^"]+)"></span>', ''.join(o.get('data', {}).get('text/markdown', ''))):
                    out.add(f'{page}.html#{m.group(1)}')
    return out


def convert(nb: dict, links: Links) -> tuple[dict, dict]:
    "A processed notebook as a myst-nb notebook the way Quarto shows it; and its front matter."
    fm, cells = front_matter(nb), []
    md = lambda text, **meta: dict(cell_type='markdown', metadata=meta, source=text)
    title, summary = fm.get('title', ''), fm.get('description', '')
    head = f'# {title}\n' + (f'\n{{.page-summary}}\n{links.markdown(summary)}\n' if summary else '')
    cells.append(md(head))
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'raw': continue
        if c['cell_type'] == 'markdown':
            if src.strip(): cells.append(md(links.markdown(src)))
            continue
        opts, code = cell_options(src)
        if opts.get('include') == 'false': continue
        if opts.get('output') == 'asis':   # Quarto puts a Markdown output into the page itself
            for o in c.get('outputs', []):
                text = ''.join(o.get('data', {}).get('text/markdown', ''))
                if text: cells.append(md(links.markdown(text)))
            continue
        tags = []
        if opts.get('echo') == 'false' or not code: tags.append('remove-input')
        if opts.get('output') == 'false': tags.append('remove-output')
        if opts.get('code-fold') == 'true': tags.append('hide-input')
        outputs = []
        for o in c.get('outputs', []):
            o = json.loads(json.dumps(o))
            d = o.get('data', {})
            if 'text/markdown' in d: d['text/markdown'] = links.markdown(''.join(d['text/markdown']))
            outputs.append(o)
        cells.append(dict(cell_type='code', metadata=dict(tags=tags) if tags else {}, source=code,
                          execution_count=c.get('execution_count'), outputs=outputs))
    out = dict(nb, cells=cells)
    out['metadata'] = dict(kernelspec=dict(name='python3', display_name='Python 3', language='python'),
                           language_info=dict(name='python', pygments_lexer='ipython3'))
    return out, fm


def source_page(py: Path, name: str) -> str:
    "A module's source as a page: highlighted, every line with an anchor `L-<n>` (the API entries link there)."
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    body = highlight(py.read_text(), PythonLexer(), HtmlFormatter(linenos='inline', lineanchors='L', anchorlinenos=True,
                                                                  cssclass='highlight source-listing'))
    return f'# `{name}`\n\nThe module as nbdev exports it from the notebooks.\n\n```{{raw}} html\n{body}\n```\n'


def api_entry_class():
    "nbdev's `show_doc` renderer for this site (defined here: it needs nbdev, which the package does not)."
    import inspect
    from fastcore.docments import MarkdownRenderer, _ital_first
    from nbdev.config import get_config
    lib = get_config().lib_path.name

    class ApiEntry(MarkdownRenderer):
        """An API entry: the anchor nbdev's links use, a link to the source on this site, the heading, the signature
        (its parameters' comments go to the table), the docstring, and a table of the parameters."""
        def source_link(self) -> str:
            try: mod, line = inspect.getmodule(self.sym).__name__, inspect.getsourcelines(self.sym)[1]
            except (TypeError, OSError, AttributeError): return ''
            if not mod.startswith(lib + '.'): return ''
            return f'<a class="source-link" href="source/{mod.split(".")[-1]}.html#L-{line}">source</a>\n\n'

        def _repr_markdown_(self):
            params = {k: {**v, 'docment': None} for k, v in self.dm.dm.items() if k != 'return'}
            sig = type(self.dm)(self.sym, maxline=self.dm.maxline, docstring=False)
            sig.dm = {**params, **({'return': self.dm.dm['return']} if 'return' in self.dm.dm else {})}
            out = f'<span id="{entry_anchor(self.nm)}"></span>\n\n{"#" * self.title_level} {self.nm}\n\n'
            out += self.source_link() + f'```python\n{sig}\n```'
            if self.docs: out += f'\n\n{_ital_first(self.docs)}'
            return out + self.parameter_table()

        def parameter_table(self) -> str:
            "The parameters as a Markdown table (type, default, what it is), when any of them is documented."
            rows = [(k, v) for k, v in self.dm.dm.items() if k != 'return']
            if not any(v.get('docment') for _, v in rows): return ''
            cell = lambda x: '' if x is inspect.Parameter.empty or x is None else \
                str(getattr(x, '__name__', None) if isinstance(x, type) else x).replace('|', '\\|').replace('\n', ' ')
            fmt = lambda v: cell(repr(v) if isinstance(v, str) else v)
            lines = ['| parameter | type | default | what it is |', '|---|---|---|---|']
            lines += [f"| `{k}` | {cell(v.get('anno'))} | {fmt(v.get('default'))} | {cell(v.get('docment'))} |"
                      for k, v in rows]
            return '\n\n' + '\n'.join(lines)
    return ApiEntry


def _process(args):
    "nbdev's processing of one notebook (as `nbdev_docs` runs it), with this site's API entries."
    import nbdev.showdoc
    from nbdev.processors import FilterDefaults
    from nbdev.serve_drv import exec_nb
    nbdev.showdoc.BasicMarkdownRenderer = api_entry_class()   # `show_doc`'s default renderer
    src, dst = args
    os.environ['IN_TEST'] = '1'
    exec_nb(Path(src), Path(dst), FilterDefaults)


def processed_notebooks(n_workers: int = 2) -> list[Path]:
    "nbdev's processing of every notebook in nbs/ (what `nbdev_docs` gives Quarto), in `_proc/`."
    import multiprocessing
    from nbdev.config import get_config
    nbs, cache = sorted(get_config().nbs_path.glob('*.ipynb')), ROOT/'_proc'
    shutil.rmtree(cache, ignore_errors=True); cache.mkdir()
    # one fresh process per notebook (IPython's shell takes over `__main__`), forked so this module comes along
    with multiprocessing.get_context('fork').Pool(n_workers, maxtasksperchild=1) as pool:
        pool.map(_process, [(str(p), str(cache/p.name)) for p in nbs], chunksize=1)
    return [cache/p.name for p in nbs]


def build(notebooks: list[Path], out: Path, modules: list[Path] | None = None) -> list[str]:
    "Write the site into `out`; the pages' names in reading order."
    if not (KATEX/'katex.min.js').exists():
        sys.exit('build_docs: KaTeX is not installed (Debian: apt-get install libjs-katex); the site typesets math '
                 'with a local copy')
    from nbdev.config import get_config
    cfg = get_config()
    src = Path(tempfile.mkdtemp(prefix='genesis-docs-'))
    nbs = sorted(notebooks, key=lambda p: (p.stem != 'index', p.name))
    fms = {p: front_matter(json.loads(p.read_text())) for p in nbs}
    pages = {p.name: ('index' if p.stem == 'index' else Path(fms[p].get('output-file', p.stem + '.html')).stem)
             for p in nbs}
    nbjs = {p: json.loads(p.read_text()) for p in nbs}
    links = Links(pages, set().union(*(entries_of(nbjs[p], pages[p.name]) for p in nbs)))
    bad = []
    for p in nbs:
        nb = nbjs[p]
        bad += [f'{p.name}: a saved error output ({o.get("ename")})' for c in nb['cells'] for o in c.get('outputs', [])
                if o.get('output_type') == 'error']
        conv, _ = convert(nb, links)
        (src/f'{pages[p.name]}.ipynb').write_text(json.dumps(conv))
    if bad: sys.exit('build_docs: ' + '; '.join(bad))
    chapters = [pages[p.name] for p in nbs if pages[p.name] != 'index']
    mods = modules if modules is not None else sorted((ROOT/cfg.lib_path.name).glob('[!_]*.py'))
    (src/'source').mkdir()
    for py in mods: (src/'source'/f'{py.stem}.md').write_text(source_page(py, f'{cfg.lib_path.name}/{py.name}'))
    toc = ('\n\n```{toctree}\n:caption: Chapters\n:hidden:\n\n' + '\n'.join(chapters) + '\n```\n'
           '\n```{toctree}\n:caption: Source\n:hidden:\n:titlesonly:\n\n'
           + '\n'.join(f'source/{py.stem}' for py in mods) + '\n```\n')
    index = src/'index.ipynb'
    if not index.exists():
        index.write_text(json.dumps(dict(cells=[dict(cell_type='markdown', metadata={}, source=f'# {cfg.lib_name}')],
                                         metadata={}, nbformat=4, nbformat_minor=5)))
    nb = json.loads(index.read_text()); nb['cells'].append(dict(cell_type='markdown', metadata={}, source=toc))
    index.write_text(json.dumps(nb))
    static = src/'_static'; static.mkdir()
    shutil.copytree(KATEX, static/'katex', symlinks=False)
    (static/'site.css').write_text(SITE_CSS)
    (static/'katex-render.js').write_text(KATEX_RENDER)
    (src/'conf.py').write_text(CONF.format(project=cfg.lib_name, author=cfg.author, copyright=f'{cfg.copyright}',
                                           title=cfg.lib_name))
    if out.exists() and any(out.iterdir()):
        if not (out/'searchindex.js').exists():
            sys.exit(f'build_docs: {out} holds files that are not a site built here: name an empty or new folder')
        shutil.rmtree(out)   # a previous build: its pages would otherwise outlive their notebooks
    out.mkdir(parents=True, exist_ok=True)
    r = subprocess.run([sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-j', 'auto', '-E', str(src), str(out)],
                       capture_output=True, text=True)
    warnings = [l for l in r.stderr.splitlines() if 'WARNING' in l or 'ERROR' in l]
    if r.returncode != 0: sys.exit(f'build_docs: sphinx failed:\n{r.stderr[-4000:]}')
    for w in warnings: print(w.replace(str(src) + '/', ''), file=sys.stderr)
    shutil.rmtree(src, ignore_errors=True)
    return ['index'] + chapters


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', type=Path, required=True, help='folder to write the site into')
    ap.add_argument('--notebooks', nargs='*', type=Path, default=None,
                    help='processed notebooks to build (default: process every notebook of nbs/ with nbdev)')
    a = ap.parse_args()
    nbs = a.notebooks or processed_notebooks()
    pages = build(nbs, a.out.resolve())
    print(f'build_docs: {len(pages)} pages in {a.out}/ (open {a.out}/index.html)')


if __name__ == '__main__': main()
