"""The docs as a reader sees them: every chapter rendered the way the Quarto site shows it, loaded in headless Chromium.

Each notebook is processed by nbdev (`proc_nbs`, as `nbdev_docs` does), then rendered to one HTML page per chapter:
the title and summary from the front matter, Quarto's cell options honoured (`echo`, `output`, `include`), `#|`
lines removed, `.ipynb` links mapped to pages, the math typeset by a local KaTeX (Debian's `libjs-katex`), the page
in a content column as wide as Quarto's (850 px) in a 1280 px window. Debian's `chromium` loads each page headless
and a script in the page reports what a reader would see broken. The check fails on:

* a math render error (KaTeX's error element);
* an image that does not load;
* a Markdown table whose rows do not have the header's number of cells (a bare `|` inside a cell);
* a stderr or warning block, or a saved error, in what a reader sees;
* an absolute path of the build machine in the text;
* a link between chapters (or to a section of one) that does not resolve;
* a table or figure wider than the content column.

Usage: python tools/browser_check.py [NOTEBOOK.ipynb ...]   (default: every chapter, processed from nbs/)
Exit status 1 with one line per defect; `--keep DIR` keeps the rendered pages there.
"""
import argparse, base64, html, json, re, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATEX = Path('/usr/share/javascript/katex')
CONTENT_WIDTH, WINDOW = 850, (1280, 900)
ABSOLUTE_PATH = re.compile(r'(?<![\w.])(/work/|/tmp/|/home/|/root/|/Users/|/var/folders/|[A-Z]:\\\\Users)')
OPTION = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.+?)\s*$')


def chromium() -> str:
    exe = shutil.which('chromium') or shutil.which('chromium-browser')
    if exe is None: sys.exit("browser check: Debian's chromium is not installed (apt-get install chromium libjs-katex)")
    if not (KATEX/'katex.min.js').exists(): sys.exit('browser check: KaTeX is not installed (apt-get install libjs-katex)')
    return exe


def cell_options(src: str) -> tuple[dict, str]:
    "Quarto's `#| key: value` options of a code cell, and its source without any `#|` line."
    opts, keep = {}, []
    for line in src.splitlines():
        m = OPTION.match(line)
        if m: opts[m.group(1)] = m.group(2).strip().strip('"\'').lower()
        elif not line.startswith('#|'): keep.append(line)
    return opts, '\n'.join(keep).strip('\n')


def table_rows_defects(md: str, where: str) -> list[str]:
    "Pipe tables whose rows do not have the header's number of cells (escaped `\\|` does not split a cell)."
    out, lines = [], md.splitlines()
    split = lambda l: len(re.split(r'(?<!\\)\|', l.strip().strip('|')))
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith('|') and i + 1 < len(lines) and re.match(r'^\s*\|?\s*:?-{3,}', lines[i + 1]):
            n, j = split(lines[i]), i + 2
            while j < len(lines) and lines[j].lstrip().startswith('|'):
                if split(lines[j]) != n:
                    out.append(f'{where}: table row {j - i - 1} has {split(lines[j])} cells, its header {n}: '
                               f'{lines[j].strip()[:80]}')
                j += 1
            i = j
        else: i += 1
    return out


def slug(text: str) -> str:
    "The id Quarto gives a heading."
    t = re.sub(r'<[^>]+>', '', text).strip().lower()
    t = re.sub(r'[^\w\s-]', '', t)
    return re.sub(r'\s+', '-', t)


PAGE_OF = {}   # notebook file name -> the page Quarto writes for it (nbdev's `output-file`)


def markdown(md: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    body = markdown2html_mistune(md)
    # headings get Quarto's ids; chapter links point at pages
    def heading(m):
        inner = re.sub(r'<a class="anchor-link".*?</a>', '', m.group(2), flags=re.S)
        return f'<h{m.group(1)} id="{slug(inner)}">{inner}</h{m.group(1)}>'
    body = re.sub(r'<h([1-6])(?:\s[^>]*)?>(.*?)</h\1>', heading, body, flags=re.S)
    page = lambda m: f'href="{PAGE_OF.get(m.group(1) + ".ipynb", m.group(1) + ".html")}{m.group(2) or ""}"'
    return re.sub(r'href="([\w-]+)\.ipynb(#[^"]*)?"', page, body)


def render(nb: dict, name: str, defects: list) -> tuple[str, str]:
    "One chapter as the site shows it: (title, html body); defects found on the source go into `defects`."
    parts, title = [], name
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'raw' and src.startswith('---'):
            meta = dict(re.findall(r'^(title|description):\s*(.+?)\s*$', src, flags=re.M))
            desc = re.sub(r'\s+', ' ', re.search(r"description:\s*'?(.*?)'?\n\w", src, flags=re.S).group(1)) \
                if 'description:' in src else ''
            title = meta.get('title', name).strip('\'"')
            parts.append(f'<h1 class="title">{html.escape(title)}</h1><p class="description">{html.escape(desc)}</p>')
        elif c['cell_type'] == 'markdown':
            defects += table_rows_defects(src, f'{name}: markdown')
            parts.append(markdown(src))
        elif c['cell_type'] == 'code':
            opts, code = cell_options(src)
            if opts.get('include') == 'false': continue
            if code and opts.get('echo') != 'false':
                parts.append(f'<pre class="source"><code>{html.escape(code)}</code></pre>')
            if opts.get('output') == 'false': continue
            for o in c.get('outputs', []):
                parts.append(render_output(o, name, defects, asis=opts.get('output') == 'asis'))
    return title, '\n'.join(parts)


def render_output(o: dict, name: str, defects: list, asis: bool) -> str:
    kind = o.get('output_type')
    if kind == 'stream':
        text = ''.join(o.get('text', ''))
        if o.get('name') == 'stderr':
            defects.append(f'{name}: a stderr block is shown: {text.strip()[:100]!r}')
            return f'<pre class="stderr">{html.escape(text)}</pre>'
        return f'<pre class="stdout">{html.escape(text)}</pre>'
    if kind == 'error':
        defects.append(f"{name}: a saved error is shown: {o.get('ename')}: {o.get('evalue', '')[:100]}")
        return f"<pre class=\"error\">{html.escape(o.get('ename', ''))}</pre>"
    d = o.get('data', {})
    if 'image/png' in d:
        return f'<img class="figure" src="data:image/png;base64,{"".join(d["image/png"]).strip()}">'
    if 'text/markdown' in d:
        md = ''.join(d['text/markdown'])
        defects += table_rows_defects(md, f'{name}: output')
        return markdown(md)
    if 'text/html' in d: return ''.join(d['text/html'])
    if 'text/plain' in d: return f'<pre class="stdout">{html.escape("".join(d["text/plain"]))}</pre>'
    return ''


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="file://{katex}/katex.min.css">
<script src="file://{katex}/katex.min.js"></script><script src="file://{katex}/contrib/auto-render.js"></script>
<style>body{{margin:0;font:16px/1.5 sans-serif}} main{{width:{width}px;margin:0 auto}} pre{{overflow-x:auto}}
img{{max-width:100%}} table{{border-collapse:collapse}} td,th{{padding:2px 6px}}</style></head>
<body><main id="content">{body}</main>
<script>
const mathErrors = [];
renderMathInElement(document.body, {{delimiters: [{{left: '$$', right: '$$', display: true}},
  {{left: '$', right: '$', display: false}}], throwOnError: true, ignoredTags: ['script', 'pre', 'code'],
  errorCallback: (msg, err) => mathErrors.push(String(err).slice(0, 160))}});
function report() {{
  const main = document.getElementById('content'), w = main.clientWidth, out = [];
  mathErrors.forEach(e => out.push('math error: ' + e));
  document.querySelectorAll('.katex-error').forEach(e => out.push('math error: ' + (e.title || e.textContent).slice(0, 120)));
  document.querySelectorAll('img').forEach(i => {{ if (!i.complete || i.naturalWidth === 0) out.push('broken image'); }});
  document.querySelectorAll('table').forEach(t => {{
    if (t.scrollWidth > w + 1) out.push('table wider than the column (' + t.scrollWidth + ' px > ' + w + ' px): '
                                       + t.innerText.slice(0, 60).replace(/\\s+/g, ' ')); }});
  const pre = document.createElement('pre'); pre.id = 'browser-check'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}}
if (document.readyState === 'complete') report(); else window.addEventListener('load', report);
</script></body></html>"""


def browse(exe: str, page: Path) -> list[str]:
    "What the page's script reported after Chromium loaded it."
    cmd = [exe, '--headless', '--no-sandbox', '--disable-gpu', '--allow-file-access-from-files',
           f'--window-size={WINDOW[0]},{WINDOW[1]}', '--virtual-time-budget=10000', '--dump-dom', page.as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=180).stdout
    m = re.search(r'<pre id="browser-check">(.*?)</pre>', dom, flags=re.S)
    if m is None: return ['the page did not finish loading in Chromium']
    return json.loads(html.unescape(m.group(1)))


def links_defects(pages: dict) -> list[str]:
    "Links to pages or sections of this site that do not resolve."
    ids = {p: set(re.findall(r'id="([^"]+)"', body)) for p, body in pages.items()}
    out = []
    for p, body in pages.items():
        for target, anchor in re.findall(r'href="([\w-]+\.html)(?:#([^"]*))?"', body):
            if target not in pages: out.append(f'{p}: link to {target}, which is not a page of the site')
            elif anchor and anchor not in ids[target]: out.append(f'{p}: link to {target}#{anchor}, no such section')
    return out


def check(notebooks: list[Path], keep: Path | None = None) -> list[str]:
    exe, defects, pages = chromium(), [], {}
    out = keep or Path(tempfile.mkdtemp(prefix='browser-check-'))
    out.mkdir(parents=True, exist_ok=True)
    stems = {}
    for nbp in notebooks:
        fm = next((''.join(c['source']) for c in json.loads(nbp.read_text())['cells'] if c['cell_type'] == 'raw'), '')
        stems[nbp] = (re.search(r'output-file:\s*(\S+)\.html', fm) or [None, nbp.stem])[1]
        PAGE_OF[nbp.name] = f'{stems[nbp]}.html'
    for nbp in notebooks:
        nb, stem = json.loads(nbp.read_text()), stems[nbp]
        title, body = render(nb, stem, defects)
        pages[f'{stem}.html'] = body
        text = re.sub(r'<[^>]+>', ' ', re.sub(r'src="data:[^"]+"', '', body))
        for m in sorted(set(ABSOLUTE_PATH.findall(html.unescape(text)))):
            defects.append(f'{stem}: an absolute path of the build machine is shown ({m}…)')
        (out/f'{stem}.html').write_text(PAGE.format(title=html.escape(title), katex=KATEX, width=CONTENT_WIDTH, body=body))
    defects += links_defects(pages)
    for page in sorted(pages):
        defects += [f'{Path(page).stem}: {d}' for d in browse(exe, out/page)]
        print(f'checked {page}', flush=True)
    return defects


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', type=Path, help='processed notebooks (default: process nbs/ with nbdev)')
    ap.add_argument('--keep', type=Path, default=None, help='write the rendered pages here')
    a = ap.parse_args()
    nbs = a.notebooks
    if not nbs:
        from nbdev.serve import proc_nbs
        proc = ROOT/'_proc'
        shutil.rmtree(proc, ignore_errors=True)
        nbs = sorted(Path(proc_nbs(force=True)).glob('*.ipynb'))
    defects = check(nbs, a.keep)
    if defects: sys.exit('browser check failed:\n' + '\n'.join(f'  {d}' for d in defects))
    print(f'browser check: {len(nbs)} pages rendered and loaded in Chromium, no defect')


if __name__ == '__main__': main()
