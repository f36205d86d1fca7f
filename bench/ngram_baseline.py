"""Plain baseline: exact word 5-gram matching between a suspicious and a source document.

No normalisation beyond lower-casing, no synonyms, no fuzzy matching: whatever this finds
is verbatim copying, so it marks the floor any real aligner has to beat on spun text.

1. Tokenise both documents into lower-cased word tokens, keeping each token's char span.
2. Every word 5-gram (shingle) of the suspicious document that also occurs in the source
   is a *seed*: a (suspicious span, source span) pair.
3. Seeds are merged greedily into passages while the gap to the passage is at most
   ``MAX_GAP_CHARS`` in *both* documents.
4. Passages shorter than ``MIN_PASSAGE_CHARS`` in either document are dropped.

Usage (same arguments as the anchor's ``run.sh``)::

    python bench/ngram_baseline.py PAIRS SRC_DIR SUSP_DIR OUT_DIR [--jobs N]

Writes one PAN XML file ``<susp-stem>-<src-stem>.xml`` per pair into OUT_DIR and prints
``wall_s <seconds>`` as its last line.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import NamedTuple

from unspin.report._pan import PanFeature, write_pan_xml

SHINGLE_WORDS = 5
MAX_GAP_CHARS = 200
MIN_PASSAGE_CHARS = 150

_WORD = re.compile(r"\w+")


class Token(NamedTuple):
    text: str
    start: int
    end: int


class Seed(NamedTuple):
    """A shingle found in both documents: its char span in each."""

    susp_start: int
    susp_end: int
    src_start: int
    src_end: int


@dataclass
class Passage:
    """A run of seeds close together in both documents (half-open char spans)."""

    susp_start: int
    susp_end: int
    src_start: int
    src_end: int

    def accepts(self, seed: Seed, max_gap: int) -> bool:
        """True when `seed` lies within `max_gap` chars of this passage in both documents."""
        susp_gap = max(seed.susp_start - self.susp_end, self.susp_start - seed.susp_end)
        src_gap = max(seed.src_start - self.src_end, self.src_start - seed.src_end)
        return susp_gap <= max_gap and src_gap <= max_gap

    def absorb(self, seed: Seed) -> None:
        self.susp_start = min(self.susp_start, seed.susp_start)
        self.susp_end = max(self.susp_end, seed.susp_end)
        self.src_start = min(self.src_start, seed.src_start)
        self.src_end = max(self.src_end, seed.src_end)

    def as_seed(self) -> Seed:
        return Seed(self.susp_start, self.susp_end, self.src_start, self.src_end)


def tokenize(text: str) -> list[Token]:
    return [
        Token(match.group().lower(), match.start(), match.end()) for match in _WORD.finditer(text)
    ]


def find_seeds(susp_text: str, src_text: str, shingle_words: int = SHINGLE_WORDS) -> list[Seed]:
    """Return every (suspicious shingle, source shingle) pair with identical words."""
    susp_tokens = tokenize(susp_text)
    src_tokens = tokenize(src_text)
    src_shingle_starts: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index in range(len(src_tokens) - shingle_words + 1):
        words = tuple(token.text for token in src_tokens[index : index + shingle_words])
        src_shingle_starts[words].append(index)

    seeds: list[Seed] = []
    for index in range(len(susp_tokens) - shingle_words + 1):
        words = tuple(token.text for token in susp_tokens[index : index + shingle_words])
        for src_index in src_shingle_starts.get(words, ()):
            seeds.append(
                Seed(
                    susp_tokens[index].start,
                    susp_tokens[index + shingle_words - 1].end,
                    src_tokens[src_index].start,
                    src_tokens[src_index + shingle_words - 1].end,
                )
            )
    return seeds


def merge_seeds(seeds: Sequence[Seed], max_gap: int = MAX_GAP_CHARS) -> list[Seed]:
    """Merge seeds into passages; repeat until no two passages are within `max_gap`."""
    pending = sorted(seeds)
    while True:
        passages: list[Passage] = []
        for seed in pending:
            # The latest passages are the likeliest to continue (seeds come in text order).
            for passage in reversed(passages):
                if passage.accepts(seed, max_gap):
                    passage.absorb(seed)
                    break
            else:
                passages.append(Passage(*seed))
        merged = sorted(passage.as_seed() for passage in passages)
        if len(merged) == len(pending):
            return merged
        pending = merged  # a merge can bring two earlier passages within reach of each other


def align(susp_text: str, src_text: str) -> list[Seed]:
    """Return the baseline's passages for one document pair."""
    passages = merge_seeds(find_seeds(susp_text, src_text))
    return [
        passage
        for passage in passages
        if passage.susp_end - passage.susp_start >= MIN_PASSAGE_CHARS
        and passage.src_end - passage.src_start >= MIN_PASSAGE_CHARS
    ]


def read_document(path: Path) -> str:
    # newline="" keeps "\r\n" as two chars, so offsets count raw characters as PAN does.
    with path.open(encoding="utf-8", errors="replace", newline="") as file:
        return file.read()


class PairJob(NamedTuple):
    susp_name: str
    src_name: str
    susp_dir: Path
    src_dir: Path
    out_dir: Path


def process_pair(job: PairJob) -> int:
    """Align one pair, write its PAN XML and return the number of passages."""
    susp_text = read_document(job.susp_dir / job.susp_name)
    src_text = read_document(job.src_dir / job.src_name)
    features = [
        PanFeature(
            this_reference=job.susp_name,
            this_offset=passage.susp_start,
            this_length=passage.susp_end - passage.susp_start,
            source_reference=job.src_name,
            source_offset=passage.src_start,
            source_length=passage.src_end - passage.src_start,
        )
        for passage in align(susp_text, src_text)
    ]
    output_name = f"{Path(job.susp_name).stem}-{Path(job.src_name).stem}.xml"
    write_pan_xml(job.out_dir / output_name, job.susp_name, features)
    return len(features)


def read_pairs(pairs_file: Path) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for line in pairs_file.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) == 2:
            pairs.append((fields[0], fields[1]))
    return pairs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", type=Path, help="file of 'susp-file src-file' lines")
    parser.add_argument("src_dir", type=Path)
    parser.add_argument("susp_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [
        PairJob(susp_name, src_name, args.susp_dir, args.src_dir, args.out_dir)
        for susp_name, src_name in read_pairs(args.pairs)
    ]
    start = time.perf_counter()
    if args.jobs <= 1:
        passage_count = sum(map(process_pair, jobs))
    else:
        with Pool(args.jobs) as pool:
            passage_count = sum(pool.imap_unordered(process_pair, jobs, chunksize=8))
    wall_s = time.perf_counter() - start
    print(f"pairs {len(jobs)} passages {passage_count}")
    print(f"wall_s {wall_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
