"""Dedup benchmark: spun copies hidden inside one collection, found by checking the
collection against an index of itself (``unspin check --exclude-self``), beside MinHash
LSH near-duplicate detection in the same run.

A dataset builder's dedup asks which documents of a collection repeat others. Here each
collection holds originals and, for a seeded half of them, a spun copy as well:

* ``spinbot``: the 600 Wikipedia articles of ``../shared/data/spinbot-wiki-train``, with
  SpinBot's own rewrite of half of them (real spinner output);
* ``bbc``: 600 articles of ``../shared/data/bbc-news``, with a copy of half of them spun
  by unspin's simulator (light, medium and heavy in turn).

BBC News runs a few stories twice, and Wikipedia articles quote one another: pairs of
originals sharing at least three 8-word sequences before any spinning are *related*, left
out of the false pairs and of the clean documents.

Measures per collection and system: ``pairs found``, the share of planted (original, spun)
pairs in which either document reports the other; ``both ways``, in which each reports
the other; ``clean flagged``, the share of documents with no planted copy (and no
near-duplicate) that report any source; the wall time of the whole job (index and check,
or sketch, insert and query), and its ratio to MinHash's. unspin is scored again at each
``--coverage`` floor, as ``check --min-coverage`` reports (a source under the floor is
dropped after verification, so one run gives every floor): a dedup keeps a document that
shares a sentence or two with another, and drops a copy.

    python bench/bench_dedup.py [--collection spinbot|bbc|both] [--documents 600] \
        [--seed 0] [--jobs N] [--coverage 0.1,0.2,0.3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import SHARED_DIR, new_run_dir

from unspin.eval import settings_for, spin_text
from unspin.index import Index, check_documents
from unspin.io import Document, decode_text

SPINBOT_DIR = SHARED_DIR / "data" / "spinbot-wiki-train"
BBC_DIR = SHARED_DIR / "data" / "bbc-news"
LEVELS = ("light", "medium", "heavy")
_WORD = re.compile(r"\w+")
_RELATED_GRAMS = 3


class Collection(NamedTuple):
    """Documents (id, text), the planted (original id, spun id) pairs, and pairs of
    original ids that were near-duplicates before any spinning."""

    documents: list[tuple[str, str]]
    planted: list[tuple[str, str]]
    related: set[frozenset[str]]


def _read(path: Path) -> str:
    return decode_text(path.read_bytes(), origin=str(path))


def _related(ids: Sequence[str], texts: Sequence[str]) -> set[frozenset[str]]:
    """Pairs of originals that share at least ``_RELATED_GRAMS`` 8-word sequences: text
    one already holds of the other (a quotation, a stock paragraph, a story run twice)."""
    holders: dict[int, set[int]] = {}
    for number, text in enumerate(texts):
        words = [w.lower() for w in _WORD.findall(text)]
        for start in range(len(words) - 7):
            holders.setdefault(hash(tuple(words[start : start + 8])), set()).add(number)
    shared: dict[tuple[int, int], int] = {}
    for members in holders.values():
        if 1 < len(members) <= 10:  # a sequence in many texts is boilerplate, not a copy
            ordered = sorted(members)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    shared[a, b] = shared.get((a, b), 0) + 1
    return {
        frozenset((ids[a], ids[b])) for (a, b), count in shared.items() if count >= _RELATED_GRAMS
    }


def spinbot_collection(count: int, seed: int) -> Collection:
    originals = sorted(SPINBOT_DIR.glob("*-ORIG.txt"))[:count]
    rng = random.Random(seed)
    spun = set(rng.sample(range(len(originals)), len(originals) // 2))
    documents, planted = [], []
    for number, path in enumerate(originals):
        key = path.name.removesuffix("-ORIG.txt")
        documents.append((f"{key}-orig", _read(path)))
        if number in spun:
            documents.append((f"{key}-spun", _read(path.with_name(f"{key}-SPUN.txt"))))
            planted.append((f"{key}-orig", f"{key}-spun"))
    ids = [doc_id for doc_id, _ in documents if doc_id.endswith("-orig")]
    texts = [text for doc_id, text in documents if doc_id.endswith("-orig")]
    return Collection(documents, planted, _related(ids, texts))


def bbc_collection(count: int, seed: int) -> Collection:
    paths = sorted(BBC_DIR.glob("*/*.txt"))
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(len(paths)), min(count, len(paths))))
    spun = set(rng.sample(chosen, len(chosen) // 2))
    documents, planted = [], []
    for number in chosen:
        path = paths[number]
        key = f"{path.parent.name}-{path.stem}"
        text = _read(path)
        documents.append((f"{key}-orig", text))
        if number in spun:
            level = LEVELS[len(planted) % len(LEVELS)]
            copy = spin_text(text, settings=settings_for(level), seed=seed + number)
            documents.append((f"{key}-spun", copy))
            planted.append((f"{key}-orig", f"{key}-spun"))
    ids = [doc_id for doc_id, _ in documents if doc_id.endswith("-orig")]
    texts = [text for doc_id, text in documents if doc_id.endswith("-orig")]
    return Collection(documents, planted, _related(ids, texts))


def run_unspin(
    collection: Collection, jobs: int
) -> tuple[dict[str, list[str]], dict[tuple[str, str], float], float]:
    """Each document's reported sources (itself excluded), the share of the document each
    one covers, and the job's wall time."""
    started = time.perf_counter()
    found: dict[str, list[str]] = {}
    coverage: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "collection.idx"
        with Index.open(path, create=True) as index:
            index.add(Document(doc_id, text) for doc_id, text in collection.documents)
        for item in check_documents(
            path,
            (Document(doc_id, text) for doc_id, text in collection.documents),
            jobs=jobs,
            exclude_self=True,
        ):
            matches = item.result.matches if item.result else ()
            found[item.document.id] = [match.id for match in matches]
            for match in matches:
                coverage[item.document.id, match.id] = match.query_coverage
    return found, coverage, time.perf_counter() - started


def at_coverage(
    found: dict[str, list[str]], coverage: dict[tuple[str, str], float], floor: float
) -> dict[str, list[str]]:
    """The sources ``SearchOptions(min_coverage=floor)`` reports: those covering at least
    ``floor`` of their document (the option filters verified sources, nothing else).
    Exact while no document has more verified sources than ``top`` (10): the option
    filters before the cut to ``top``, this after it."""
    return {
        doc_id: [other for other in others if coverage[doc_id, other] >= floor]
        for doc_id, others in found.items()
    }


def run_minhash(collection: Collection) -> tuple[dict[str, list[str]], float]:
    """MinHash LSH on word 5-grams, threshold 0.5: each document's other members."""
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sketches = {}
    for doc_id, text in collection.documents:
        words = [w.lower() for w in _WORD.findall(text)]
        grams = {" ".join(words[i : i + 5]).encode() for i in range(len(words) - 4)}
        sketch = MinHash(num_perm=128)
        sketch.update_batch(list(grams) or [b""])
        sketches[doc_id] = sketch
        lsh.insert(doc_id, sketch)
    found = {
        doc_id: [other for other in lsh.query(sketch) if other != doc_id]
        for doc_id, sketch in sketches.items()
    }
    return found, time.perf_counter() - started


def score(collection: Collection, found: dict[str, list[str]]) -> dict[str, Any]:
    either = sum(
        (spun in found[original]) or (original in found[spun])
        for original, spun in collection.planted
    )
    both = sum(
        (spun in found[original]) and (original in found[spun])
        for original, spun in collection.planted
    )
    in_pairs = {doc_id for pair in collection.planted for doc_id in pair}
    near = {doc_id for pair in collection.related for doc_id in pair}
    clean = [doc_id for doc_id, _ in collection.documents if doc_id not in in_pairs | near]
    flagged = sum(bool(found[doc_id]) for doc_id in clean)
    planted = {frozenset(pair) for pair in collection.planted}
    reported = {frozenset((a, b)) for a, others in found.items() for b in others}
    false_pairs = [
        sorted(pair)
        for pair in reported - planted
        if frozenset(name.rsplit("-", 1)[0] + "-orig" for name in pair) not in collection.related
        and len({name.rsplit("-", 1)[0] for name in pair}) == 2
    ]
    pairs = len(collection.planted)
    return {
        "documents": len(collection.documents),
        "planted_pairs": pairs,
        "pairs_found": round(either / pairs, 4),
        "both_ways": round(both / pairs, 4),
        "clean_documents": len(clean),
        "clean_flagged": round(flagged / max(len(clean), 1), 4),
        "false_pairs": len(false_pairs),
        "false_pair_examples": sorted(false_pairs)[:40],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collection", choices=["spinbot", "bbc", "both"], default="both")
    parser.add_argument("--documents", type=int, default=600, help="originals per collection")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--coverage",
        default="0.1,0.2,0.3",
        help="comma-separated check --min-coverage floors to score unspin at as well",
    )
    args = parser.parse_args(argv)
    floors = [float(value) for value in args.coverage.split(",") if value.strip()]
    builders = {"spinbot": (SPINBOT_DIR, spinbot_collection), "bbc": (BBC_DIR, bbc_collection)}
    names = list(builders) if args.collection == "both" else [args.collection]
    out = new_run_dir("dedup")
    results: dict[str, Any] = {"seed": args.seed, "jobs": args.jobs, "coverage": floors}
    for name in names:
        data_dir, build = builders[name]
        if not data_dir.is_dir():
            print(f"{data_dir}: not found, {name} skipped")
            continue
        collection = build(args.documents, args.seed)
        unspin_found, coverage, unspin_s = run_unspin(collection, args.jobs)
        minhash_found, minhash_s = run_minhash(collection)
        entry = {
            "unspin": {**score(collection, unspin_found), "wall_s": round(unspin_s, 1)},
            "minhash": {**score(collection, minhash_found), "wall_s": round(minhash_s, 1)},
        }
        entry["unspin"]["time_vs_minhash"] = round(unspin_s / max(minhash_s, 1e-9), 1)
        for floor in floors:
            entry[f"unspin --min-coverage {floor:g}"] = score(
                collection, at_coverage(unspin_found, coverage, floor)
            )
        results[name] = entry
        print(
            f"### {name}: {entry['unspin']['documents']} documents, "
            f"{entry['unspin']['planted_pairs']} planted spun copies"
        )
        print("| system | pairs found | both ways | clean flagged | false pairs | wall s |")
        print("|---|---|---|---|---|---|")
        for system, row in entry.items():
            print(
                f"| {system} | {row['pairs_found']:.3f} | {row['both_ways']:.3f} | "
                f"{row['clean_flagged']:.3f} ({row['clean_documents']}) | "
                f"{row['false_pairs']} | {row.get('wall_s', 'same run')} |"
            )
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
