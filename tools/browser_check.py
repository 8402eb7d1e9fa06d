"""The site as a reader sees it: every page of a built site (tools/build_docs.py) loaded in Debian's headless Chromium.

A script run in each loaded page reports what a reader would see wrong; the check fails, one line per defect, on:

* no navigation to every other chapter, no search box, or no search index;
* code that is not highlighted, code that looks like its output (same background), a code line cut at the edge;
* raw markup in the text: `{…}` attributes, escapes (`\\u2014`, `\\"`, `''s`), `$…$` not typeset, a math error;
* a link to a page or section of this site that does not exist, an API name linking off this site, a link to
  the project's made-up hosts (`genesis-nb.github.io`, `github.com/genesis-nb`);
* a placeholder docstring ("Call self as a function.");
* a table of numbers without row labels, a table wider than the content column;
* a stderr block or saved error, an absolute path of the build machine;
* an image that does not load, or a figure whose text is under 8 pt as displayed (glyphs measured in the image's
  pixels, scaled by its displayed width).

Usage: python tools/browser_check.py SITE_DIR [--pages NAME ...]     (exit status 1 on any defect)
"""
import argparse, base64, html, io, json, re, shutil, subprocess, sys
from pathlib import Path

KATEX = Path('/usr/share/javascript/katex')
WINDOW = (1280, 900)
ABSOLUTE_PATH = re.compile(r'(?<![\w.])(/work/|/tmp/|/home/|/root/|/Users/|/var/folders/|[A-Z]:\\\\Users)')
OFF_SITE = ('genesis-nb.github.io', 'github.com/genesis-nb')
MIN_TEXT_PT = 8
CSS_PX_PER_PT = 96 / 72
GLYPH_OF_FONT = 0.8   # capitals' and digits' height in pixels per pixel of font size (see `glyph_height_px`)
CHECK_ID = 'browser-check-report'

SCRIPT = r"""
<script>
function report() {
  const out = [], data = {images: []};
  const main = document.querySelector('article[role=main]') || document.querySelector('main') || document.body;
  const scrolls = el => { for (let a = el; a && a !== main.parentElement; a = a.parentElement)
                            if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true;
                          return false; };
  const text = el => { const c = el.cloneNode(true);
    c.querySelectorAll('pre, code, .katex, script, style, .highlight, .math').forEach(n => n.remove());
    return c.textContent; };
  // navigation, search
  const navLinks = [...document.querySelectorAll('.sidebar-tree a, nav a, a.sidebar-brand')];
  const nav = new Set(navLinks.map(a => a.getAttribute('href').split('#')[0].replace(/^(\.\.\/)+/, '')
                                      .replace(/^\.\//, '')));
  data.nav = [...nav];
  if (!document.querySelector('form[action*="search"], input[type=search], input[name=q]')) out.push('no search box');
  // code
  const codes = [...main.querySelectorAll('div.cell_input pre, div[class*="highlight-python"] pre, ' +
                                          'div[class*="highlight-ipython"] pre, pre.source')];
  codes.forEach(p => {
    if (p.textContent.trim().length > 20 && !p.querySelector('span[class]'))
      out.push('code not highlighted: ' + p.textContent.trim().slice(0, 50));
    if (p.scrollWidth > p.clientWidth + 1 && !scrolls(p))
      out.push('a code line is cut at the edge: ' + p.textContent.trim().slice(0, 50));
    const r = p.getBoundingClientRect(), m = main.getBoundingClientRect();
    if (r.right > m.right + 2 && !scrolls(p.parentElement))
      out.push('code runs past the content column: ' + p.textContent.trim().slice(0, 50));
  });
  const inp = main.querySelector('div.cell_input'), outp = main.querySelector('div.cell_output .output');
  if (inp && outp && getComputedStyle(inp).backgroundColor === getComputedStyle(outp).backgroundColor)
    out.push('code and its output look the same (same background)');
  if (!main.querySelector('div.cell_input') && main.querySelectorAll('pre').length &&
      ![...main.querySelectorAll('pre')].some(p => p.querySelector('span[class]')))
    out.push('code not highlighted (no highlighted code block on the page)');
  // raw markup in what a reader reads
  const t = text(main);
  const raw = [[/\{[^{}\n]*(target=|style=|\.callout|#[a-z][\w-]*\s*\.|\.[a-z][\w-]+\s*\})[^{}\n]*\}/, 'raw {…} attribute text'],
               [/\\u[0-9a-fA-F]{4}|\\"|[a-z]''s\b|\\ \\/, 'an escape shown raw'],
               [/(^|[^\\$\w])\$[^$\s][^$\n]{0,80}\$(?!\w)/, 'math shown as raw $…$'],
               [/\\\(|\\\[/, 'math not typeset (raw \\( or \\[)'],
               [/\]\((https?:|\.?\/?[\w-]+\.(ipynb|html|md))/, 'a raw Markdown link'],
               [/Call self as a function\./, 'a placeholder docstring']];
  raw.forEach(([re, what]) => { const m = t.match(re); if (m) out.push(what + ': ' + JSON.stringify(
      t.slice(Math.max(0, m.index - 30), m.index + 60).replace(/\s+/g, ' '))); });
  (window.mathErrors || []).forEach(e => out.push('math error: ' + e));
  document.querySelectorAll('.katex-error').forEach(e => out.push('math error: ' + (e.title || e.textContent).slice(0, 100)));
  // links
  data.links = [...main.querySelectorAll('a[href]')].map(a => [a.getAttribute('href'), !!a.querySelector('code'),
                                                               a.textContent.trim().slice(0, 40)]);
  // tables
  main.querySelectorAll('table').forEach(tb => {
    const rows = [...tb.querySelectorAll('tbody tr')];
    const num = s => /^[\s\d.,+\-−–%()\[\]eE]*$/.test(s) && /\d/.test(s);
    const head = tb.querySelector('thead tr'), first = head ? head.cells[0].textContent.trim() : '';
    const index = rows.length > 1 && !first && rows.every((r, i) => r.cells[0].textContent.trim() === String(i));
    const unlabelled = rows.every(r => r.cells.length && num(r.cells[0].textContent)) &&
                       (!first || rows.every(r => r.cells.length === 1));
    if (rows.length > 1 && (unlabelled || index))
      out.push('a table of numbers without row labels: ' + tb.innerText.slice(0, 60).replace(/\s+/g, ' '));
    if (tb.scrollWidth > main.clientWidth + 1 && !scrolls(tb))
      out.push('a table wider than the column: ' + tb.innerText.slice(0, 60).replace(/\s+/g, ' '));
  });
  // stderr, errors
  main.querySelectorAll('.stderr, .output.stderr, .output.traceback, .output.error').forEach(e =>
      out.push('a stderr or error block is shown: ' + e.textContent.trim().slice(0, 80)));
  // images
  main.querySelectorAll('img').forEach((i, k) => {
    if (!i.complete || i.naturalWidth === 0) out.push('broken image ' + (i.getAttribute('src') || '').slice(0, 60));
    else data.images.push({k: k, src: i.getAttribute('src'), natural: i.naturalWidth,
                          shown: i.getBoundingClientRect().width});
  });
  data.defects = out;
  const pre = document.createElement('pre'); pre.id = '""" + CHECK_ID + r"""'; pre.textContent = JSON.stringify(data);
  document.body.appendChild(pre);
}
if (document.readyState === 'complete') setTimeout(report, 300); else window.addEventListener('load', () => setTimeout(report, 300));
</script>
"""


def chromium() -> str:
    exe = shutil.which('chromium') or shutil.which('chromium-browser')
    if exe is None: sys.exit("browser check: Debian's chromium is not installed (apt-get install chromium libjs-katex)")
    return exe


def browse(exe: str, page: Path) -> dict:
    "What the check script reported about `page` after Chromium loaded it (a copy beside it, so links resolve)."
    probe = page.with_name(f'.check-{page.name}')
    probe.write_text(page.read_text().replace('</body>', SCRIPT + '</body>'))
    try:
        cmd = [exe, '--headless', '--no-sandbox', '--disable-gpu', '--allow-file-access-from-files',
               f'--window-size={WINDOW[0]},{WINDOW[1]}', '--virtual-time-budget=15000', '--dump-dom', probe.as_uri()]
        dom = subprocess.run(cmd, capture_output=True, text=True, timeout=180).stdout
    finally: probe.unlink()
    m = re.search(rf'<pre id="{CHECK_ID}">(.*?)</pre>', dom, flags=re.S)
    if m is None: return dict(defects=['the page did not finish loading in Chromium'], images=[], links=[], nav=[])
    data = json.loads(html.unescape(m.group(1)))
    data['dom'] = dom
    return data


def glyph_height_px(png: bytes) -> float | None:
    """The height in pixels of an image's capitals and digits (the 75th percentile of its letter-like marks' heights),
    None if it has too few. Calibrated on matplotlib text at 5–14 pt: 0.77–0.86 of the font size in pixels."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage
    a = np.asarray(Image.open(io.BytesIO(png)).convert('L'), dtype=float)
    lab, n = ndimage.label(a < 200)
    hs = []
    for sl in ndimage.find_objects(lab):
        h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        if 3 <= h <= 60 and 0.15 * h <= w <= 1.2 * h: hs.append(h)
    return float(np.percentile(hs, 75)) if len(hs) >= 8 else None


def image_defects(page: Path, images: list) -> list[str]:
    "Figures whose text (capitals and digits ≈ 0.8 of the font size) is under `MIN_TEXT_PT` as displayed."
    out = []
    for im in images:
        src = im.get('src') or ''
        if src.startswith('data:image/png;base64,'): png = base64.b64decode(src.split(',', 1)[1])
        elif src.endswith('.png') and (page.parent/src).exists(): png = (page.parent/src).read_bytes()
        else: continue
        h = glyph_height_px(png)
        if h is None or not im['natural']: continue
        shown_pt = h * im['shown'] / im['natural'] / GLYPH_OF_FONT / CSS_PX_PER_PT
        if shown_pt < MIN_TEXT_PT:
            out.append(f'figure {im["k"] + 1}: its text is about {shown_pt:.1f} pt as displayed '
                       f'({im["natural"]} px wide shown at {im["shown"]:.0f} px), under {MIN_TEXT_PT} pt')
    return out


def ids_of(page: Path) -> set:
    return set(re.findall(r'\sid="([^"]+)"', page.read_text())) if page.exists() else set()


def link_defects(site: Path, page: Path, links: list) -> list[str]:
    "Links within the site that do not resolve; API names linking elsewhere; the project's made-up hosts."
    out = []
    for href, is_code, label in links:
        if any(h in href for h in OFF_SITE): out.append(f'a link to a site that is not this one: {href}')
        elif href.startswith(('http://', 'https://')):
            if is_code: out.append(f'the API name {label!r} links off this site: {href}')
        elif not href.startswith(('mailto:', 'javascript:', 'data:')):
            target, _, anchor = href.partition('#')
            dest = (page.parent/target).resolve() if target else page
            if not dest.exists(): out.append(f'a dead link: {href}')
            elif anchor and dest.suffix == '.html' and anchor not in ids_of(dest):
                out.append(f'a link to a section that does not exist: {href}')
    return out


def check(site: Path, names: list[str] | None = None) -> list[str]:
    exe, defects = chromium(), []
    pages = sorted(p for p in site.glob('*.html') if p.stem not in ('genindex', 'search', 'py-modindex')
                   and not p.name.startswith('.'))
    chapters = [p.name for p in pages]
    if not (site/'searchindex.js').exists(): defects.append('site: no search index (searchindex.js)')
    for page in pages:
        if names and page.stem not in names: continue
        d = browse(exe, page)
        found = list(d['defects'])
        missing = [c for c in chapters if c != page.name and c not in d['nav']]
        if missing: found.append(f'no navigation to {len(missing)} of the other pages (e.g. {missing[0]})')
        text = re.sub(r'<[^>]+>', ' ', re.sub(r'<(script|style)\b.*?</\1>', '', d.get('dom', ''), flags=re.S))
        for m in sorted(set(ABSOLUTE_PATH.findall(html.unescape(text)))):
            found.append(f'an absolute path of the build machine is shown ({m}…)')
        found += link_defects(site, page, d['links'])
        found += image_defects(page, d['images'])
        defects += [f'{page.name}: {x}' for x in dict.fromkeys(found)]
        print(f'checked {page.name}: {len(found)} defect(s)', flush=True)
    return defects


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('site', type=Path, help='the folder tools/build_docs.py wrote')
    ap.add_argument('--pages', nargs='*', default=None, help='check only these pages (names without .html)')
    a = ap.parse_args()
    if not (a.site/'index.html').exists() and not list(a.site.glob('*.html')):
        sys.exit(f'browser check: no pages in {a.site}: build the site first (python tools/build_docs.py --out DIR)')
    defects = check(a.site.resolve(), a.pages)
    if defects: sys.exit('browser check failed:\n' + '\n'.join(f'  {d}' for d in defects))
    print(f'browser check: every page of {a.site} loaded in Chromium, no defect')


if __name__ == '__main__': main()
