"""Which kinds of fingerprint survive which rewriting: the share of a rewritten passage's
fingerprints that its original also has, by kind, on real and simulated rewrites.

For each collection of (rewritten passage, original passage) pairs it prints, per kind of
fingerprint (class pairs, skeleton n-grams, bag pairs; see ``unspin.index._fingerprint``):
the share of the passage's fingerprints postings make up (how much of the index the kind
costs), the share of them the original has too (how well the kind survives), and the
median number shared per passage at the index's default 1-in-4 sample (what retrieval of
one such passage has to go on). The collections:

* PAN13 training cases of each obfuscation (the suspicious and source spans of every
  ``plagiarism`` feature of ``--pairs`` sampled pairs);
* SpinBot: paragraph pairs of ``--articles`` articles of ``../shared/data/spinbot-wiki-train``
  (paragraphs of 40 words or more);
* the simulator: paragraphs of the same number of BBC articles, spun ``heavy``.

A kind's fingerprints are told apart through the public options alone: the class pairs
are what is left with skeletons switched off (an n longer than any text), the bag pairs
what ``bag_window=8`` adds.

A fourth kind is measured that no index holds: **names and numbers** (words with a digit,
and capitalised words not at a sentence's start, lower-cased), the rare tokens spinners
keep. For them the table gives the share that survives, the median number a passage
shares with its original, and the median number of those an index could use, those in no
more than ``SearchOptions.max_df`` of the collection's documents (the PAN13 sources, the
SpinBot originals, the BBC articles; at least 2): retrieval drops commoner fingerprints.

    python bench/fingerprint_survival.py                 # 150 pairs per PAN group, 60 articles
    python bench/fingerprint_survival.py --pairs 50 --articles 20 --seed 1
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))
sys.path.insert(0, str(BENCH_DIR))

from _harness import PAN13_TRAIN_DIR, SHARED_DIR, new_run_dir  # noqa: E402
from bench_pan_retrieval import GROUPS  # noqa: E402

from unspin.eval import settings_for, spin_text  # noqa: E402
from unspin.index import (  # noqa: E402
    BAG_WINDOW,
    FingerprintOptions,
    SearchOptions,
    fingerprint_query,
)
from unspin.report import read_pan_xml  # noqa: E402

SPINBOT_DIR = SHARED_DIR / "data" / "spinbot-wiki-train"
BBC_DIR = SHARED_DIR / "data" / "bbc-news"
PAN_GROUPS = {f"PAN13 {group}": folder for folder, group in GROUPS.items()}
KINDS = ("class pairs", "skeleton n-grams", "bag pairs")
NO_SKELETON = 1 << 30  # an n-gram longer than any text: no skeleton n-grams
DEFAULT_SAMPLE = FingerprintOptions().sample
MIN_PARAGRAPH_WORDS = 40
NAMES = "names and numbers"
_WORD = re.compile(r"\w+")
_SENTENCE_BREAK = re.compile(r"[.!?\n]")


class Kinds(NamedTuple):
    """A text's fingerprints of each kind."""

    class_pairs: set[int]
    skeleton: set[int]
    bag_pairs: set[int]


def _prints(text: str, sample: int, **options: int) -> set[int]:
    found = fingerprint_query(text, options=FingerprintOptions(sample=sample, **options))
    return set(found.fingerprint.tolist())


def kinds(text: str, sample: int = 1) -> Kinds:
    """The fingerprints of ``text`` of each kind that a 1-in-``sample`` index keeps."""
    class_pairs = _prints(text, sample, skeleton_n=NO_SKELETON)
    plain = _prints(text, sample)
    with_bags = _prints(text, sample, bag_window=BAG_WINDOW)
    return Kinds(class_pairs, plain - class_pairs, with_bags - plain)


def names_and_numbers(text: str) -> set[str]:
    """The words of ``text`` with a digit, and its capitalised words of two letters or more
    not at a sentence's start, lower-cased."""
    found: set[str] = set()
    previous_end = 0
    for match in _WORD.finditer(text):
        word = match.group()
        opens_sentence = previous_end == 0 or bool(
            _SENTENCE_BREAK.search(text, previous_end, match.start())
        )
        if any(letter.isdigit() for letter in word) or (
            word[0].isupper() and len(word) > 1 and not opens_sentence
        ):
            found.add(word.lower())
        previous_end = match.end()
    return found


def name_frequencies(texts: Iterator[str]) -> tuple[collections.Counter[str], int]:
    """In how many of ``texts`` each name or number stands, and the most an index could use
    (``max_df`` of their number, at least 2)."""
    frequencies: collections.Counter[str] = collections.Counter()
    documents = 0
    for text in texts:
        frequencies.update(names_and_numbers(text))
        documents += 1
    return frequencies, max(2, int(SearchOptions().max_df * documents))


def _texts(paths: Iterator[Path]) -> Iterator[str]:
    for path in paths:
        yield path.read_text("utf-8", errors="replace")


def pan_pairs(folder: str, count: int, rng: random.Random) -> Iterator[tuple[str, str]]:
    group = PAN13_TRAIN_DIR / folder
    pairs = [line.split() for line in (group / "pairs").read_text().splitlines() if line.strip()]
    for susp, src in rng.sample(pairs, min(count, len(pairs))):
        suspicious = (PAN13_TRAIN_DIR / "susp" / susp).read_text("utf-8", errors="replace")
        source = (PAN13_TRAIN_DIR / "src" / src).read_text("utf-8", errors="replace")
        for case in read_pan_xml(group / f"{Path(susp).stem}-{Path(src).stem}.xml"):
            if case.name != "plagiarism":
                continue
            yield (
                suspicious[case.this_offset : case.this_offset + case.this_length],
                source[case.source_offset : case.source_offset + case.source_length],
            )


def _paragraphs(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def spinbot_pairs(count: int, rng: random.Random) -> Iterator[tuple[str, str]]:
    ids = sorted(path.name.removesuffix("-ORIG.txt") for path in SPINBOT_DIR.glob("*-ORIG.txt"))
    for article in rng.sample(ids, min(count, len(ids))):
        original = _paragraphs((SPINBOT_DIR / f"{article}-ORIG.txt").read_text(errors="replace"))
        spun = _paragraphs((SPINBOT_DIR / f"{article}-SPUN.txt").read_text(errors="replace"))
        for rewritten, source in zip(spun, original, strict=False):
            if len(rewritten.split()) >= MIN_PARAGRAPH_WORDS:
                yield rewritten, source


def simulator_pairs(count: int, rng: random.Random) -> Iterator[tuple[str, str]]:
    paths = sorted(BBC_DIR.glob("*/*.txt"))
    for number, path in enumerate(rng.sample(paths, min(count, len(paths)))):
        text = path.read_text(errors="replace")
        spun = spin_text(text, settings=settings_for("heavy"), seed=number)
        for rewritten, source in zip(_paragraphs(spun), _paragraphs(text), strict=False):
            if len(source.split()) >= MIN_PARAGRAPH_WORDS:
                yield rewritten, source


def survival(
    pairs: Iterator[tuple[str, str]], frequencies: tuple[collections.Counter[str], int]
) -> dict[str, object]:
    """Per kind: share of the passages' fingerprints, share shared, median shared kept;
    for names and numbers, share shared, median shared, median shared and rare enough."""
    totals = {kind: [0, 0] for kind in KINDS}  # fingerprints, shared
    kept_shared: dict[str, list[int]] = {kind: [] for kind in KINDS}
    words: list[int] = []
    names = [0, 0]  # names, shared
    names_shared: list[int] = []
    names_usable: list[int] = []
    counts, most = frequencies
    for rewritten, source in pairs:
        words.append(len(rewritten.split()))
        mine, theirs = names_and_numbers(rewritten), names_and_numbers(source)
        names[0] += len(mine)
        names[1] += len(mine & theirs)
        names_shared.append(len(mine & theirs))
        names_usable.append(sum(1 for name in mine & theirs if counts[name] <= most))
        every = zip(KINDS, kinds(rewritten), kinds(source), strict=True)
        for kind, mine, theirs in every:
            totals[kind][0] += len(mine)
            totals[kind][1] += len(mine & theirs)
        sampled = zip(
            KINDS, kinds(rewritten, DEFAULT_SAMPLE), kinds(source, DEFAULT_SAMPLE), strict=True
        )
        for kind, mine, theirs in sampled:
            kept_shared[kind].append(len(mine & theirs))
    everything = sum(totals[kind][0] for kind in KINDS[:2])  # what an index holds by default
    return {
        "passages": len(words),
        "median_words": statistics.median(words) if words else 0,
        "kinds": {
            kind: {
                "share_of_default_postings": (
                    round(totals[kind][0] / everything, 3) if everything else 0
                ),
                "survive": round(totals[kind][1] / totals[kind][0], 3) if totals[kind][0] else 0,
                "median_shared_at_default_sample": (
                    statistics.median(kept_shared[kind]) if kept_shared[kind] else 0
                ),
            }
            for kind in KINDS
        },
        NAMES: {
            "survive": round(names[1] / names[0], 3) if names[0] else 0,
            "median_shared": statistics.median(names_shared) if names_shared else 0,
            "median_usable": statistics.median(names_usable) if names_usable else 0,
            "most_documents": most,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=150, help="PAN13 pairs per obfuscation")
    parser.add_argument("--articles", type=int, default=60, help="SpinBot and BBC articles")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    # name -> (its pairs, the name frequencies of the documents an index would hold)
    found: dict[str, tuple[Iterator[tuple[str, str]], Any]] = {}
    if PAN13_TRAIN_DIR.is_dir():
        sources = name_frequencies(_texts(iter(sorted((PAN13_TRAIN_DIR / "src").glob("*.txt")))))
        for name, folder in PAN_GROUPS.items():
            found[name] = (pan_pairs(folder, args.pairs, random.Random(args.seed)), sources)
    if SPINBOT_DIR.is_dir():
        originals = name_frequencies(_texts(iter(sorted(SPINBOT_DIR.glob("*-ORIG.txt")))))
        found["SpinBot"] = (spinbot_pairs(args.articles, random.Random(args.seed)), originals)
    if BBC_DIR.is_dir():
        articles = name_frequencies(_texts(iter(sorted(BBC_DIR.glob("*/*.txt")))))
        spun = simulator_pairs(args.articles, random.Random(args.seed))
        found["simulator, heavy"] = (spun, articles)
    if not found:
        print("no corpus found under ../shared/data, nothing measured")
        return 0
    results = {name: survival(pairs, counts) for name, (pairs, counts) in found.items()}
    header = ["collection", "passages", "median words"]
    for kind in KINDS:
        header += [f"{kind}: share", f"{kind}: survive", f"{kind}: shared at 1/{DEFAULT_SAMPLE}"]
    header += [f"{NAMES}: survive", f"{NAMES}: shared", f"{NAMES}: shared and rare"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, result in results.items():
        row = [name, str(result["passages"]), str(result["median_words"])]
        for kind in KINDS:
            figures = result["kinds"][kind]  # type: ignore[index]
            row += [
                f"{figures['share_of_default_postings']:.2f}",
                f"{figures['survive']:.2f}",
                f"{figures['median_shared_at_default_sample']:g}",
            ]
        names = result[NAMES]  # type: ignore[index]
        row += [f"{names['survive']:.2f}", f"{names['median_shared']:g}"]
        row += [f"{names['median_usable']:g} (df <= {names['most_documents']})"]
        print("| " + " | ".join(row) + " |")
    run_dir = new_run_dir("survival")
    (run_dir / "survival.json").write_text(json.dumps({"args": vars(args), **results}, indent=1))
    print(f"\nwritten to {run_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
