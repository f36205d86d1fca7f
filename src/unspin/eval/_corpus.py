"""Benchmark corpus builders: spun-plagiarism corpora in the PAN text-alignment layout.

These are *benchmarking tools*. Each builder writes::

    OUT/src/source-documentNNNNN.txt        source documents (UTF-8, "\\n" line ends)
    OUT/susp/suspicious-documentNNNNN.txt   suspicious documents
    OUT/pairs                               "susp-file src-file" per line, all groups
    OUT/truth/<group>/pairs                 the pairs of one group
    OUT/truth/<group>/<susp-stem>-<src-stem>.xml   PAN XML ground truth of one pair

Truth offsets are Python ``str`` offsets into the files as read back with
``read_text(encoding="utf-8")``; every builder re-reads what it wrote and checks each case
before returning. A negative pair's XML has no feature.

* :func:`build_simulated_corpus` spins BBC news articles with :func:`spin_text` (groups
  ``light``, ``medium``, ``heavy``, ``negative``).
* :func:`build_spinbot_corpus` uses real SpinBot output (groups ``whole``, ``embedded``,
  ``reordered``, ``negative``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple, TypeVar

from unspin.eval._simulator import SpinLevel, settings_for, spin_text
from unspin.report._pan import PanFeature, read_pan_xml, write_pan_xml
from unspin.text._lexicon import Lexicon

__all__ = [
    "SIMULATED_GROUPS",
    "SPINBOT_GROUPS",
    "CorpusSummary",
    "build_simulated_corpus",
    "build_spinbot_corpus",
]

SIMULATED_GROUPS: tuple[str, ...] = ("light", "medium", "heavy", "negative")
SPINBOT_GROUPS: tuple[str, ...] = ("whole", "embedded", "reordered", "negative")

# Paragraphs shorter than this are headings or captions: never picked as a copied run.
_MIN_RUN_PARAGRAPH_WORDS = 25
# Two texts sharing a word n-gram this long are treated as related (near-duplicate news items,
# shared quotes) and never paired as a negative or as host and source.
_SHARED_NGRAM_WORDS = 8
_WORD = re.compile(r"\w+")

_Item = TypeVar("_Item")


class CorpusSummary(NamedTuple):
    """What a builder wrote: pair and case counts, overall and per group."""

    out_dir: Path
    pairs: int
    cases: int
    by_group: dict[str, int]
    cases_by_group: dict[str, int]


class _Article(NamedTuple):
    """A document and the spans of its paragraphs (its non-empty lines, stripped)."""

    key: str
    topic: str
    text: str
    paragraphs: tuple[tuple[int, int], ...]

    def paragraph(self, index: int) -> str:
        start, end = self.paragraphs[index]
        return self.text[start:end]

    def word_count(self, index: int) -> int:
        return len(self.paragraph(index).split())


class _SpinbotArticle(NamedTuple):
    """An original article and its SpinBot rewrite, paragraph ``i`` matching paragraph ``i``."""

    key: str
    original: _Article
    spun: _Article


class _Case(NamedTuple):
    this_offset: int
    this_length: int
    source_offset: int
    source_length: int
    obfuscation: str
    # Text the spans must cover once read back from disk (None: only the bounds are checked).
    expected_this_text: str | None = None
    expected_source_text: str | None = None


class _Pair(NamedTuple):
    group: str
    suspicious_name: str
    source_name: str
    cases: tuple[_Case, ...]


# -- text helpers ---------------------------------------------------------------------------


def _normalize_newlines(text: str) -> str:
    # Offsets must survive read_text()'s universal-newline translation, so no "\r" may remain.
    return text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")


def _paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the stripped non-empty lines (split on "\\n" only, as the files are read)."""
    spans: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            start = position + len(line) - len(line.lstrip())
            spans.append((start, position + len(line.rstrip())))
        position += len(line) + 1
    return tuple(spans)


def _make_article(key: str, topic: str, text: str) -> _Article:
    text = _normalize_newlines(text)
    return _Article(key, topic, text, _paragraph_spans(text))


def _content_span(text: str) -> tuple[int, int]:
    """(offset, length) of the text without its leading and trailing whitespace."""
    start = len(text) - len(text.lstrip())
    return start, len(text.rstrip()) - start


def _join_blocks(blocks: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Blocks joined by blank lines, and the (offset, length) of each block in the result."""
    spans: list[tuple[int, int]] = []
    position = 0
    for index, block in enumerate(blocks):
        if index:
            position += 2
        spans.append((position, len(block)))
        position += len(block)
    return "\n\n".join(blocks) + "\n", spans


def _word_ngrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    n = _SHARED_NGRAM_WORDS
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _shares_text(first: str, second: str) -> bool:
    return not _word_ngrams(first).isdisjoint(_word_ngrams(second))


def _split_evenly(total: int, groups: Sequence[str]) -> dict[str, int]:
    base, extra = divmod(total, len(groups))
    return {group: base + (1 if index < extra else 0) for index, group in enumerate(groups)}


def _eligible_paragraphs(article: _Article, *, skip_first: bool) -> list[bool]:
    return [
        (index > 0 or not skip_first) and article.word_count(index) >= _MIN_RUN_PARAGRAPH_WORDS
        for index in range(len(article.paragraphs))
    ]


def _pick_runs(
    eligible: Sequence[bool], lengths: Sequence[int], rng: random.Random
) -> list[tuple[int, int]]:
    """Non-overlapping runs [first, last] of eligible paragraphs, at least one paragraph apart.

    Each run gets its wanted length, or shorter when no place fits it; runs that fit nowhere
    are left out. Returned in document order.
    """
    taken = [False] * len(eligible)
    runs: list[tuple[int, int]] = []
    for wanted in lengths:
        for length in range(wanted, 0, -1):
            starts = [
                start
                for start in range(len(eligible) - length + 1)
                if all(eligible[i] and not taken[i] for i in range(start, start + length))
                and not (start > 0 and taken[start - 1])
                and not (start + length < len(eligible) and taken[start + length])
            ]
            if starts:
                start = rng.choice(starts)
                for index in range(start, start + length):
                    taken[index] = True
                runs.append((start, start + length - 1))
                break
    return sorted(runs)


def _separated_eligible_count(eligible: Sequence[bool]) -> int:
    """How many single-paragraph runs, one paragraph apart, fit at most (greedy is optimal)."""
    count, index = 0, 0
    while index < len(eligible):
        if eligible[index]:
            count += 1
            index += 2
        else:
            index += 1
    return count


def _take(
    pool: Sequence[_Item],
    used: set[str],
    key: Callable[[_Item], str],
    accept: Callable[[_Item], bool],
    *,
    what: str,
) -> _Item:
    """The first unused item of the (shuffled) pool that ``accept`` allows; marks it used."""
    for item in pool:
        if key(item) not in used and accept(item):
            used.add(key(item))
            return item
    raise ValueError(f"not enough input documents: no unused {what} left")


# -- the writer -----------------------------------------------------------------------------


class _CorpusWriter:
    """Writes documents, pairs and truth files, then checks every case against the files."""

    def __init__(self, out_dir: Path) -> None:
        if out_dir.exists() and any(out_dir.iterdir()):
            raise FileExistsError(f"{out_dir}: output directory is not empty")
        self.out_dir = out_dir
        for sub in ("src", "susp", "truth"):
            (out_dir / sub).mkdir(parents=True, exist_ok=True)
        self._source_names: dict[str, str] = {}
        self._suspicious_count = 0
        self._pairs: list[_Pair] = []

    def source(self, key: str, text: str) -> str:
        """The file name of a source document, written on first use."""
        name = self._source_names.get(key)
        if name is None:
            name = f"source-document{len(self._source_names) + 1:05d}.txt"
            self._source_names[key] = name
            _write_text(self.out_dir / "src" / name, text)
        return name

    def suspicious(self, text: str) -> str:
        self._suspicious_count += 1
        name = f"suspicious-document{self._suspicious_count:05d}.txt"
        _write_text(self.out_dir / "susp" / name, text)
        return name

    def pair(
        self, group: str, suspicious_name: str, source_name: str, cases: Iterable[_Case]
    ) -> None:
        self._pairs.append(_Pair(group, suspicious_name, source_name, tuple(cases)))

    def finish(self, groups: Sequence[str]) -> CorpusSummary:
        pair_lines = [f"{pair.suspicious_name} {pair.source_name}\n" for pair in self._pairs]
        _write_text(self.out_dir / "pairs", "".join(pair_lines))
        for group in groups:
            group_dir = self.out_dir / "truth" / group
            group_dir.mkdir(parents=True, exist_ok=True)
            group_pairs = [pair for pair in self._pairs if pair.group == group]
            _write_text(
                group_dir / "pairs",
                "".join(f"{p.suspicious_name} {p.source_name}\n" for p in group_pairs),
            )
            for pair in group_pairs:
                features = [
                    PanFeature(
                        this_reference=pair.suspicious_name,
                        this_offset=case.this_offset,
                        this_length=case.this_length,
                        source_reference=pair.source_name,
                        source_offset=case.source_offset,
                        source_length=case.source_length,
                        name="plagiarism",
                        obfuscation=case.obfuscation,
                    )
                    for case in pair.cases
                ]
                write_pan_xml(_truth_path(self.out_dir, pair), pair.suspicious_name, features)
        self._check()
        return CorpusSummary(
            out_dir=self.out_dir,
            pairs=len(self._pairs),
            cases=sum(len(pair.cases) for pair in self._pairs),
            by_group={g: sum(p.group == g for p in self._pairs) for g in groups},
            cases_by_group={
                g: sum(len(p.cases) for p in self._pairs if p.group == g) for g in groups
            },
        )

    def _check(self) -> None:
        """Re-read every file and verify each truth case lands where the builder put it."""
        for pair in self._pairs:
            suspicious_text = (self.out_dir / "susp" / pair.suspicious_name).read_text(
                encoding="utf-8"
            )
            source_text = (self.out_dir / "src" / pair.source_name).read_text(encoding="utf-8")
            features = read_pan_xml(_truth_path(self.out_dir, pair))
            _require(len(features) == len(pair.cases), f"{pair}: truth XML lost cases")
            for case, feature in zip(pair.cases, features, strict=True):
                _require(
                    (feature.this_offset, feature.this_length, feature.source_offset)
                    == (case.this_offset, case.this_length, case.source_offset)
                    and feature.source_length == case.source_length,
                    f"{pair}: truth XML differs from the case written",
                )
                this_span = _span_text(suspicious_text, case.this_offset, case.this_length)
                source_span = _span_text(source_text, case.source_offset, case.source_length)
                _require(this_span is not None, f"{pair}: suspicious span out of bounds")
                _require(source_span is not None, f"{pair}: source span out of bounds")
                if case.expected_this_text is not None:
                    _require(this_span == case.expected_this_text, f"{pair}: wrong susp text")
                if case.expected_source_text is not None:
                    _require(source_span == case.expected_source_text, f"{pair}: wrong src text")


def _truth_path(out_dir: Path, pair: _Pair) -> Path:
    stem = f"{Path(pair.suspicious_name).stem}-{Path(pair.source_name).stem}.xml"
    return out_dir / "truth" / pair.group / stem


def _span_text(text: str, offset: int, length: int) -> str | None:
    if offset < 0 or length <= 0 or offset + length > len(text):
        return None
    span = text[offset : offset + length]
    return span if span.strip() else None


def _require(condition: bool, message: str) -> None:
    # Not `assert`: the self-check must also run under `python -O`.
    if not condition:
        raise RuntimeError(f"corpus self-check failed: {message}")


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="")


# -- simulated corpus (BBC news + the spin simulator) ----------------------------------------


def _read_article_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # a few BBC files are Windows-1252


def _load_topic_articles(articles_dir: Path) -> list[_Article]:
    """Articles from ``<dir>/<topic>/*.txt``, title on line 1, in a stable order."""
    articles: list[_Article] = []
    for topic_dir in sorted(p for p in articles_dir.iterdir() if p.is_dir()):
        for path in sorted(topic_dir.glob("*.txt")):
            article = _make_article(
                f"{topic_dir.name}/{path.stem}", topic_dir.name, _read_article_text(path)
            )
            if len(article.paragraphs) >= 2:
                articles.append(article)
    if not articles:
        raise ValueError(f"{articles_dir}: no articles found in <topic>/*.txt")
    return articles


def build_simulated_corpus(
    articles_dir: Path,
    out_dir: Path,
    *,
    pairs: int = 360,
    seed: int = 0,
    lexicon: Lexicon | None = None,
) -> CorpusSummary:
    """Build a corpus of simulated spin from topic-foldered articles (e.g. BBC news).

    Groups ``light``, ``medium``, ``heavy``: half the pairs are a whole spun article against
    its original; half embed 1-3 consecutive spun paragraphs at a paragraph boundary of an
    article from another topic (case: the spun run against the original run). ``negative``:
    an article against another article of the same topic, no case. An article is used at
    most once per group. ``out_dir`` must be absent or empty.
    """
    articles = _load_topic_articles(Path(articles_dir))
    lexicon = lexicon or Lexicon.default()
    rng = random.Random(seed)
    writer = _CorpusWriter(Path(out_dir))
    for group, count in _split_evenly(pairs, SIMULATED_GROUPS).items():
        pool = articles[:]
        rng.shuffle(pool)
        used: set[str] = set()
        if group == "negative":
            for _ in range(count):
                _add_topic_negative(writer, pool, used)
            continue
        level = SpinLevel(group)
        whole_count = (count + 1) // 2
        for index in range(count):
            spin_seed = rng.randrange(2**32)
            if index < whole_count:
                _add_simulated_whole(writer, pool, used, level, spin_seed, lexicon)
            else:
                _add_simulated_embedded(writer, pool, used, level, spin_seed, lexicon, rng)
    return writer.finish(SIMULATED_GROUPS)


def _article_key(article: _Article) -> str:
    return article.key


def _add_simulated_whole(
    writer: _CorpusWriter,
    pool: Sequence[_Article],
    used: set[str],
    level: SpinLevel,
    spin_seed: int,
    lexicon: Lexicon,
) -> None:
    source = _take(pool, used, _article_key, lambda _: True, what="article to spin")
    spun = spin_text(source.text, settings=settings_for(level), seed=spin_seed, lexicon=lexicon)
    case = _Case(*_content_span(spun), *_content_span(source.text), f"simulated-{level}")
    writer.pair(str(level), writer.suspicious(spun), writer.source(source.key, source.text), [case])


def _add_simulated_embedded(
    writer: _CorpusWriter,
    pool: Sequence[_Article],
    used: set[str],
    level: SpinLevel,
    spin_seed: int,
    lexicon: Lexicon,
    rng: random.Random,
) -> None:
    source = _take(
        pool,
        used,
        _article_key,
        lambda a: any(_eligible_paragraphs(a, skip_first=True)),
        what="article with a long paragraph",
    )
    host = _take(
        pool,
        used,
        _article_key,
        lambda a: a.topic != source.topic and not _shares_text(a.text, source.text),
        what="host article of another topic",
    )
    (first, last), *_ = _pick_runs(
        _eligible_paragraphs(source, skip_first=True), [rng.randint(1, 3)], rng
    )
    source_start, source_end = source.paragraphs[first][0], source.paragraphs[last][1]
    original_run = source.text[source_start:source_end]
    spun_run = spin_text(
        original_run, settings=settings_for(level), seed=spin_seed, lexicon=lexicon
    ).strip()
    blocks = [host.paragraph(index) for index in range(len(host.paragraphs))]
    position = rng.randint(1, len(blocks))  # after the title at the earliest
    blocks.insert(position, spun_run)
    suspicious_text, spans = _join_blocks(blocks)
    case = _Case(
        *spans[position],
        source_start,
        source_end - source_start,
        f"simulated-{level}",
        expected_this_text=spun_run,
        expected_source_text=original_run,
    )
    writer.pair(
        str(level),
        writer.suspicious(suspicious_text),
        writer.source(source.key, source.text),
        [case],
    )


def _add_topic_negative(writer: _CorpusWriter, pool: Sequence[_Article], used: set[str]) -> None:
    suspicious = _take(pool, used, _article_key, lambda _: True, what="negative article")
    source = _take(
        pool,
        used,
        _article_key,
        lambda a: a.topic == suspicious.topic and not _shares_text(a.text, suspicious.text),
        what=f"unrelated {suspicious.topic} article",
    )
    writer.pair(
        "negative",
        writer.suspicious(suspicious.text),
        writer.source(source.key, source.text),
        [],
    )


# -- SpinBot corpus (real spinner output) ----------------------------------------------------


def _load_spinbot_articles(spinbot_dir: Path) -> list[_SpinbotArticle]:
    """``<id>-ORIG.txt`` / ``<id>-SPUN.txt`` pairs whose paragraph counts agree."""
    articles: list[_SpinbotArticle] = []
    for original_path in sorted(spinbot_dir.glob("*-ORIG.txt")):
        spun_path = original_path.with_name(original_path.name.replace("-ORIG", "-SPUN"))
        if not spun_path.is_file():
            continue
        key = original_path.name.removesuffix("-ORIG.txt")
        original = _make_article(key, "", _read_article_text(original_path))
        spun = _make_article(key, "", _read_article_text(spun_path))
        if len(original.paragraphs) == len(spun.paragraphs) and original.paragraphs:
            articles.append(_SpinbotArticle(key, original, spun))
    if not articles:
        raise ValueError(f"{spinbot_dir}: no aligned <id>-ORIG.txt / <id>-SPUN.txt pairs")
    return articles


def build_spinbot_corpus(
    spinbot_dir: Path, out_dir: Path, *, pairs: int = 400, seed: int = 0
) -> CorpusSummary:
    """Build a corpus from real SpinBot output (paragraph-aligned ORIG/SPUN files).

    ``whole``: a SPUN file against its ORIG file. ``embedded``: 1-3 runs of 1-4 consecutive
    SPUN paragraphs inserted, in order, at paragraph boundaries of another article's ORIG
    text; one case per run. ``reordered``: likewise with 2-4 runs in a shuffled order.
    ``negative``: one ORIG text against another. Paragraphs under 25 words (headings) are
    never part of a run. An article is used at most once per group. ``out_dir`` must be
    absent or empty.
    """
    articles = _load_spinbot_articles(Path(spinbot_dir))
    rng = random.Random(seed)
    writer = _CorpusWriter(Path(out_dir))
    for group, count in _split_evenly(pairs, SPINBOT_GROUPS).items():
        pool = articles[:]
        rng.shuffle(pool)
        used: set[str] = set()
        for _ in range(count):
            if group == "whole":
                _add_spinbot_whole(writer, pool, used)
            elif group == "embedded":
                _add_spinbot_runs(writer, pool, used, rng, group=group, run_counts=(1, 3))
            elif group == "reordered":
                _add_spinbot_runs(writer, pool, used, rng, group=group, run_counts=(2, 4))
            else:
                _add_spinbot_negative(writer, pool, used)
    return writer.finish(SPINBOT_GROUPS)


def _spinbot_key(article: _SpinbotArticle) -> str:
    return article.key


def _add_spinbot_whole(
    writer: _CorpusWriter, pool: Sequence[_SpinbotArticle], used: set[str]
) -> None:
    article = _take(pool, used, _spinbot_key, lambda _: True, what="SpinBot article")
    case = _Case(
        *_content_span(article.spun.text), *_content_span(article.original.text), "spinbot-whole"
    )
    writer.pair(
        "whole",
        writer.suspicious(article.spun.text),
        writer.source(article.key, article.original.text),
        [case],
    )


def _add_spinbot_runs(
    writer: _CorpusWriter,
    pool: Sequence[_SpinbotArticle],
    used: set[str],
    rng: random.Random,
    *,
    group: str,
    run_counts: tuple[int, int],
) -> None:
    fewest_runs = run_counts[0]
    source = _take(
        pool,
        used,
        _spinbot_key,
        lambda a: (
            _separated_eligible_count(_eligible_paragraphs(a.original, skip_first=False))
            >= fewest_runs
        ),
        what=f"SpinBot article with {fewest_runs}+ long paragraphs",
    )
    eligible = _eligible_paragraphs(source.original, skip_first=False)
    runs = _pick_runs(eligible, [rng.randint(1, 4) for _ in range(rng.randint(*run_counts))], rng)
    if len(runs) < fewest_runs:  # random placement fragmented the article: fall back to singles
        runs = _pick_runs(eligible, [1] * fewest_runs, rng)
    host = _take(
        pool,
        used,
        _spinbot_key,
        lambda a: (
            len(a.original.paragraphs) >= len(runs)
            and not _shares_text(a.original.text, source.original.text)
        ),
        what="SpinBot host article",
    )
    order = list(range(len(runs)))
    if group == "reordered":
        while order == sorted(order):  # at least two runs, so some other order exists
            rng.shuffle(order)
    positions = sorted(rng.sample(range(1, len(host.original.paragraphs) + 1), len(runs)))
    blocks = [host.original.paragraph(index) for index in range(len(host.original.paragraphs))]
    inserted_at: dict[int, int] = {}  # run index -> block index
    for shift, (position, run_index) in enumerate(zip(positions, order, strict=True)):
        first, last = runs[run_index]
        run_text = "\n\n".join(source.spun.paragraph(i) for i in range(first, last + 1))
        blocks.insert(position + shift, run_text)
        inserted_at[run_index] = position + shift
    suspicious_text, spans = _join_blocks(blocks)
    cases: list[_Case] = []
    for run_index in sorted(inserted_at, key=inserted_at.__getitem__):
        first, last = runs[run_index]
        source_start = source.original.paragraphs[first][0]
        source_end = source.original.paragraphs[last][1]
        cases.append(
            _Case(
                *spans[inserted_at[run_index]],
                source_start,
                source_end - source_start,
                f"spinbot-{group}",
                expected_this_text=blocks[inserted_at[run_index]],
                expected_source_text=source.original.text[source_start:source_end],
            )
        )
    writer.pair(
        group,
        writer.suspicious(suspicious_text),
        writer.source(source.key, source.original.text),
        cases,
    )


def _add_spinbot_negative(
    writer: _CorpusWriter, pool: Sequence[_SpinbotArticle], used: set[str]
) -> None:
    suspicious = _take(pool, used, _spinbot_key, lambda _: True, what="negative article")
    source = _take(
        pool,
        used,
        _spinbot_key,
        lambda a: not _shares_text(a.original.text, suspicious.original.text),
        what="unrelated SpinBot article",
    )
    writer.pair(
        "negative",
        writer.suspicious(suspicious.original.text),
        writer.source(source.key, source.original.text),
        [],
    )
