"""Copy the finished records of a study that is still running into the repository's results folder.

The runner appends one JSON line per finished run; a line being written at the moment of the copy is left out (it
is copied next time). The records are written compressed (`runs.jsonl.gz`; `load_runs` reads it). `meta.json` (with the running call marked `running`) and `timings.json` are copied as they
are, then `frontier.csv` and `ledger.csv` are written from the copied records.

Usage: python tools/snapshot_study.py SOURCE_FOLDER [--to results/study]
To continue a study elsewhere, copy the committed folder back and run `genesis-nb reproduce --out PARENT`: the
runner skips every recorded run.
"""
import argparse, gzip, json, shutil
from pathlib import Path


def snapshot(src: Path, dst: Path) -> int:
    dst.mkdir(parents=True, exist_ok=True)
    lines = []
    for line in (src/'runs.jsonl').read_text().splitlines():
        try: json.loads(line); lines.append(line + '\n')
        except json.JSONDecodeError: pass          # a record being written right now
    # compressed: the records of a long study are several MiB of JSON
    (dst/'runs.jsonl.gz').write_bytes(gzip.compress(''.join(lines).encode(), mtime=0))
    (dst/'runs.jsonl').unlink(missing_ok=True)
    for f in ('meta.json', 'timings.json'):
        if (src/f).exists(): shutil.copy(src/f, dst/f)
    from genesis_nb.ledger import write_reports
    write_reports(dst)
    return len(lines)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('source', type=Path)
    ap.add_argument('--to', type=Path, default=Path(__file__).resolve().parent.parent/'results'/'study')
    a = ap.parse_args()
    print(f'{snapshot(a.source, a.to)} records copied from {a.source} to {a.to}')
