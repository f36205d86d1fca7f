"""Source-retrieval benchmarks: an index corpus and five kinds of query with known sources.

These are *benchmarking tools*. A builder splits the articles into an indexed part and a
held-out part (articles sharing an 8-word sequence are kept on the same side, so no
held-out article is a near-duplicate of an indexed one) and builds queries:

=============  ===========================================================================
``whole``      (a) a whole indexed article, spun
``stretch``    (b) a run of consecutive sentences (30-60% of an indexed article's words),
               spun
``embedded``   (c) 1-3 consecutive spun paragraphs of an indexed article inserted at a
               paragraph boundary of a held-out article
``stitched``   (d) a page stitched from spun runs of 1-3 paragraphs of 2-3 indexed
               articles, in random order
``clean``      (e) a held-out article alone (same topics, no source in the index)
=============  ===========================================================================

:func:`build_simulated_retrieval` spins BBC-style ``<topic>/*.txt`` articles with the spin
simulator (levels cycling light, medium, heavy); :func:`build_spinbot_retrieval` uses
real SpinBot output: the index holds the ORIG texts and queries are made of the SPUN
ones (hosts and clean queries are held-out ORIG texts).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from unspin.eval._corpus import (
    _MIN_RUN_PARAGRAPH_WORDS,
    _Article,
    _load_spinbot_articles,
    _load_topic_articles,
    _word_ngrams,
)
from unspin.eval._simulator import SpinLevel, settings_for, spin_text
from unspin.text._lexicon import Lexicon

__all__ = [
    "QUERY_KINDS",
    "RetrievalBenchmark",
    "RetrievalQuery",
    "build_simulated_retrieval",
    "build_spinbot_retrieval",
    "near_duplicate_groups",
]

QUERY_KINDS: tuple[str, ...] = ("whole", "stretch", "embedded", "stitched", "clean")
_SENTENCE = re.compile(r"[^.!?]+[.!?]+[\"'”’)]*\s*|[^.!?]+$")
_LEVELS = (SpinLevel.LIGHT, SpinLevel.MEDIUM, SpinLevel.HEAVY)


class RetrievalQuery(NamedTuple):
    """One query: its kind, text, and the ids of the indexed documents it was made from
    (empty for ``clean``)."""

    id: str
    kind: str
    text: str
    sources: tuple[str, ...]


class RetrievalBenchmark(NamedTuple):
    """Documents to index ((id, text) pairs), queries against them, and the near-duplicate
    group of every indexed document (id -> group): a query's source is found when a
    document of its group is (the index may hold two versions of one story)."""

    documents: list[tuple[str, str]]
    queries: list[RetrievalQuery]
    groups: dict[str, int]


def near_duplicate_groups(texts: Sequence[str]) -> list[int]:
    """A group number per text: texts sharing an 8-word sequence (directly or through
    others) get the same number."""
    parent = list(range(len(texts)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    first_seen: dict[int, int] = {}
    for index, text in enumerate(texts):
        for gram in _word_ngrams(text):
            key = hash(gram)
            other = first_seen.setdefault(key, index)
            if other != index:
                a, b = find(index), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return [find(index) for index in range(len(texts))]


def _split_held_out(
    keys: Sequence[str], texts: Sequence[str], held_out: float, rng: random.Random
) -> tuple[list[int], list[int], list[int]]:
    groups = near_duplicate_groups(texts)
    distinct = sorted(set(groups))
    rng.shuffle(distinct)
    held = set(distinct[: round(len(distinct) * held_out)])
    indexed = [i for i in range(len(keys)) if groups[i] not in held]
    out = [i for i in range(len(keys)) if groups[i] in held]
    return indexed, out, groups


def _paragraphs(article: _Article) -> list[str]:
    return [article.paragraph(i) for i in range(len(article.paragraphs))]


def _long_runs(paragraphs: Sequence[str], length: int) -> list[int]:
    """Start indexes of runs of ``length`` consecutive long paragraphs."""
    long = [len(p.split()) >= _MIN_RUN_PARAGRAPH_WORDS for p in paragraphs]
    return [
        start for start in range(len(paragraphs) - length + 1) if all(long[start : start + length])
    ]


def _pick_run(paragraphs: Sequence[str], rng: random.Random, wanted: int) -> tuple[int, int] | None:
    for length in range(wanted, 0, -1):
        starts = _long_runs(paragraphs, length)
        if starts:
            start = rng.choice(starts)
            return start, start + length
    return None


def _stretch(text: str, rng: random.Random) -> str | None:
    """A run of whole sentences holding 30-60% of ``text``'s words."""
    sentences = [m.group() for m in _SENTENCE.finditer(text) if m.group().strip()]
    counts = [len(s.split()) for s in sentences]
    total = sum(counts)
    if total == 0:
        return None
    options: list[tuple[int, int]] = []
    for start in range(len(sentences)):
        words = 0
        for end in range(start, len(sentences)):
            words += counts[end]
            if words > 0.6 * total:
                break
            if words >= 0.3 * total:
                options.append((start, end + 1))
    if not options:
        return None
    start, end = rng.choice(options)
    return "".join(sentences[start:end]).strip()


class _Maker(NamedTuple):
    """How a builder spins text and reads the spun form of an indexed article."""

    spin: Callable[[str, int, int], str]  # (text, query number, seed) -> spun text
    spun_paragraphs: Callable[[int], list[str]]  # indexed article -> its spun paragraphs
    spun_text: Callable[[int], str]  # indexed article -> its whole spun text


def _build_queries(
    keys: Sequence[str],
    articles: Sequence[_Article],
    indexed: Sequence[int],
    held_out: Sequence[int],
    maker: _Maker,
    per_kind: int,
    clean: int | None,
    rng: random.Random,
) -> list[RetrievalQuery]:
    queries: list[RetrievalQuery] = []

    def add(kind: str, text: str, sources: tuple[str, ...]) -> None:
        queries.append(RetrievalQuery(f"{kind}-{len(queries):05d}", kind, text, sources))

    order = list(indexed)
    rng.shuffle(order)
    for number in range(min(per_kind, len(order))):
        add("whole", maker.spun_text(order[number]), (keys[order[number]],))
    made = 0
    for source in order * 2:
        if made >= per_kind:
            break
        stretch = _stretch(maker.spun_text(source), rng)
        if stretch is not None and len(stretch.split()) >= _MIN_RUN_PARAGRAPH_WORDS:
            add("stretch", stretch, (keys[source],))
            made += 1
    hosts = list(held_out)
    made = 0
    for source in order * 2:
        if made >= per_kind or not hosts:
            break
        spun = maker.spun_paragraphs(source)
        run = _pick_run(spun, rng, rng.randint(1, 3))
        if run is None:
            continue
        host = _paragraphs(articles[hosts[made % len(hosts)]])
        position = rng.randint(1, len(host))  # after the host's title at the earliest
        blocks = host[:position] + spun[run[0] : run[1]] + host[position:]
        add("embedded", "\n\n".join(blocks) + "\n", (keys[source],))
        made += 1
    made = 0
    cursor = 0
    while made < per_kind and cursor + 3 <= len(order) * 3:
        count = rng.randint(2, 3)
        chosen = [order[(cursor + i) % len(order)] for i in range(count)]
        cursor += count
        pieces: list[str] = []
        sources: list[str] = []
        for source in chosen:
            spun = maker.spun_paragraphs(source)
            run = _pick_run(spun, rng, rng.randint(1, 3))
            if run is not None:
                pieces.append("\n\n".join(spun[run[0] : run[1]]))
                sources.append(keys[source])
        if len(set(sources)) < 2:
            continue
        paired = list(zip(pieces, sources, strict=True))
        rng.shuffle(paired)
        add("stitched", "\n\n".join(p for p, _ in paired) + "\n", tuple(s for _, s in paired))
        made += 1
    clean_pool = list(held_out)
    rng.shuffle(clean_pool)
    for article in clean_pool[: len(clean_pool) if clean is None else clean]:
        add("clean", articles[article].text, ())
    return queries


def build_simulated_retrieval(
    articles_dir: str | Path,
    *,
    per_kind: int = 200,
    clean: int | None = None,
    held_out: float = 0.25,
    seed: int = 0,
    lexicon: Lexicon | None = None,
) -> RetrievalBenchmark:
    """The retrieval benchmark from topic-foldered articles (e.g. BBC news), spun with the
    simulator. ``per_kind`` queries of kinds (a)-(d); ``clean`` held-out articles as
    kind (e) (default: all of them)."""
    articles = _load_topic_articles(Path(articles_dir))
    lexicon = lexicon or Lexicon.default()
    rng = random.Random(seed)
    keys = [article.key for article in articles]
    indexed, out, groups = _split_held_out(keys, [a.text for a in articles], held_out, rng)
    cache: dict[int, str] = {}

    def spin(text: str, number: int, spin_seed: int) -> str:
        level = _LEVELS[number % len(_LEVELS)]
        return spin_text(text, settings=settings_for(level), seed=spin_seed, lexicon=lexicon)

    def spun_text(article: int) -> str:
        if article not in cache:
            cache[article] = spin(articles[article].text, len(cache), seed * 100003 + article)
        return cache[article]

    def spun_paragraphs(article: int) -> list[str]:
        return [p.strip() for p in spun_text(article).split("\n") if p.strip()]

    queries = _build_queries(
        keys, articles, indexed, out, _Maker(spin, spun_paragraphs, spun_text), per_kind, clean, rng
    )
    return RetrievalBenchmark(
        [(keys[i], articles[i].text) for i in indexed],
        queries,
        {keys[i]: groups[i] for i in indexed},
    )


def build_spinbot_retrieval(
    spinbot_dir: str | Path,
    *,
    per_kind: int = 200,
    clean: int | None = None,
    held_out: float = 0.4,
    seed: int = 0,
) -> RetrievalBenchmark:
    """The retrieval benchmark from real SpinBot output (``<id>-ORIG.txt`` /
    ``<id>-SPUN.txt``): the index holds ORIG texts, queries are built from SPUN texts,
    hosts and clean queries are held-out ORIG texts."""
    pairs = _load_spinbot_articles(Path(spinbot_dir))
    rng = random.Random(seed)
    keys = [pair.key for pair in pairs]
    originals = [pair.original for pair in pairs]
    indexed, out, groups = _split_held_out(keys, [a.text for a in originals], held_out, rng)

    def spin(text: str, number: int, spin_seed: int) -> str:
        raise AssertionError("SpinBot queries use SpinBot's own output")

    maker = _Maker(
        spin,
        lambda article: _paragraphs(pairs[article].spun),
        lambda article: pairs[article].spun.text,
    )
    queries = _build_queries(keys, originals, indexed, out, maker, per_kind, clean, rng)
    return RetrievalBenchmark(
        [(keys[i], originals[i].text) for i in indexed],
        queries,
        {keys[i]: groups[i] for i in indexed},
    )
