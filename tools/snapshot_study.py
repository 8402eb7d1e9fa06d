"""Copy the finished records of a study that is still running into the repository's results folder.

The runner appends one JSON line per finished run to `runs.jsonl`, after the records of a committed archive
(`runs.jsonl.gz`) when the study was continued from one; both are copied, and a line being written at the moment of
the copy is left out (it is copied next time). The records are written compressed (`runs.jsonl.gz`; `load_runs` reads
it). `meta.json` (with the running call marked `running`) and `timings.json` are copied as they are, then
`frontier.csv` and `ledger.csv` are written from the copied records (v2's rules; `--no-reports` for a v3 study, whose
reports the case study computes).

Usage: python tools/snapshot_study.py SOURCE_FOLDER [--to results/study] [--no-reports]
To continue a study elsewhere, copy the committed folder back and run `genesis-nb reproduce --out PARENT`: the
runner skips every recorded run.
"""
import argparse, gzip, json, shutil
from pathlib import Path


def snapshot(src: Path, dst: Path, reports: bool = True) -> int:
    dst.mkdir(parents=True, exist_ok=True)
    archive = src/'runs.jsonl.gz'
    lines = [l + '\n' for l in gzip.decompress(archive.read_bytes()).decode().splitlines() if l.strip()] \
        if archive.exists() else []
    appended = src/'runs.jsonl'
    for line in (appended.read_text().splitlines() if appended.exists() else []):
        try: json.loads(line); lines.append(line + '\n')
        except json.JSONDecodeError: pass          # a record being written right now
    # compressed: the records of a long study are several MiB of JSON
    (dst/'runs.jsonl.gz').write_bytes(gzip.compress(''.join(lines).encode(), mtime=0))
    (dst/'runs.jsonl').unlink(missing_ok=True)
    for f in ('meta.json', 'timings.json'):
        if (src/f).exists(): shutil.copy(src/f, dst/f)
    if reports:
        from genesis_nb.ledger import write_reports
        write_reports(dst)
    return len(lines)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('source', type=Path)
    ap.add_argument('--to', type=Path, default=Path(__file__).resolve().parent.parent/'results'/'study')
    ap.add_argument('--no-reports', action='store_true', help='copy records and meta only (a v3 study)')
    a = ap.parse_args()
    print(f'{snapshot(a.source, a.to, not a.no_reports)} records copied from {a.source} to {a.to}')
