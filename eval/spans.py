"""Fill in gold evidence offsets from quotes copied out of the corpus (run after editing gold data).

    python -m eval.spans eval/gold.jsonl

Each evidence entry needs `quote` and either `doc_id` or `doc` (a prefix of the file name, e.g. "001");
`doc_id`, `source`, `start` and `end` are (re)computed, and `quote` becomes the exact corpus text."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.evaluation.gold import locate

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def resolve(entry: dict, files: dict[str, str]) -> dict:
    key = entry.pop("doc", None) or entry["doc_id"]
    names = [n for n in files if n.startswith(key)]
    if len(names) != 1:
        raise SystemExit(f"document {key!r} matches {names}: use a longer prefix")
    text = files[names[0]]
    start, end = locate(text, entry["quote"])
    return {
        "fact": entry.get("fact", 1),
        "doc_id": names[0].rsplit(".", 1)[0],
        "source": f"corpus/{names[0]}",
        "start": start,
        "end": end,
        "quote": text[start:end],
    }


def main(paths: list[str]) -> None:
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}
    for path in map(Path, paths):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for row in rows:
            row["evidence"] = [resolve(e, files) for e in row.get("evidence", [])]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{path}: {len(rows)} items, offsets refreshed")


if __name__ == "__main__":
    main(sys.argv[1:])
