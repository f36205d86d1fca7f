"""Tests of the benchmark corpus builders (PAN text-alignment layout, exact offsets)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from unspin.eval import (
    SIMULATED_GROUPS,
    SPINBOT_GROUPS,
    CorpusSummary,
    SpinLevel,
    build_simulated_corpus,
    build_spinbot_corpus,
    settings_for,
    spin_text,
)
from unspin.report import PanFeature, read_pan_xml

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Vocabulary for generated fixture prose (made up here; no shared data is copied).
_SUBJECTS = _words(
    "farmer teacher engineer council museum company river village doctor player "
    "minister singer factory driver garden library market station harbour school"
)
_VERBS = _words(
    "built visited changed opened bought painted repaired watched described carried "
    "praised followed planned measured explained protected"
)
_ADJECTIVES = _words(
    "old quiet bright narrow famous heavy small ancient busy modern careful strange "
    "gentle cheap quick"
)
_PLACES = _words(
    "bridge field tower valley island forest road castle square harbour kitchen "
    "office stadium theatre studio"
)


def _sentence(rng: random.Random) -> str:
    return (
        f"The {rng.choice(_ADJECTIVES)} {rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} "
        f"the {rng.choice(_ADJECTIVES)} {rng.choice(_PLACES)} near the "
        f"{rng.choice(_PLACES)} and the {rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} "
        f"a {rng.choice(_ADJECTIVES)} {rng.choice(_PLACES)}."
    )


def _paragraph(rng: random.Random, sentences: int = 3) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _article_paragraphs(rng: random.Random, count: int) -> list[str]:
    title = f"{rng.choice(_ADJECTIVES).title()} {rng.choice(_SUBJECTS)} news"
    return [title, *(_paragraph(rng) for _ in range(count))]


def _make_topic_articles(root: Path, *, topics: int = 3, per_topic: int = 8) -> Path:
    rng = random.Random(11)
    for topic in range(topics):
        folder = root / f"topic{topic}"
        folder.mkdir(parents=True)
        for number in range(per_topic):
            paragraphs = _article_paragraphs(rng, rng.randint(3, 5))
            (folder / f"{number:03d}.txt").write_text("\n\n".join(paragraphs) + "\n")
    (root / "README.TXT").write_text("not an article\n")
    return root


def _make_spinbot_pairs(root: Path, *, articles: int = 16) -> Path:
    rng = random.Random(12)
    root.mkdir(parents=True)
    heavy = settings_for(SpinLevel.HEAVY)
    for number in range(articles):
        paragraphs = _article_paragraphs(rng, rng.randint(4, 7))
        spun = [
            spin_text(p, settings=heavy, seed=number * 100 + i) for i, p in enumerate(paragraphs)
        ]
        # SpinBot files end their lines with a space.
        (root / f"{number}-ORIG.txt").write_text("\n\n".join(paragraphs) + "\n")
        (root / f"{number}-SPUN.txt").write_text("".join(f"{p} \n\n" for p in spun))
    # A pair whose paragraph counts differ must be skipped.
    (root / "999-ORIG.txt").write_text("Title\n\n" + _paragraph(rng) + "\n")
    (root / "999-SPUN.txt").write_text("Title\n\n" + _paragraph(rng) + "\n\nextra line\n")
    return root


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _is_paragraph_run(span: str, document: str) -> bool:
    """Whether ``span`` is exactly a run of consecutive whole paragraphs of ``document``."""
    wanted = _paragraphs(span)
    have = _paragraphs(document)
    return (
        any(
            have[start : start + len(wanted)] == wanted
            for start in range(len(have) - len(wanted) + 1)
        )
        and span == span.strip()
    )


def _read_corpus(out_dir: Path) -> dict[str, list[tuple[str, str, list[PanFeature]]]]:
    """group -> [(susp name, src name, features)], checking the layout as it goes."""
    all_pairs = [line.split() for line in (out_dir / "pairs").read_text().splitlines()]
    by_group: dict[str, list[tuple[str, str, list[PanFeature]]]] = {}
    seen = 0
    for group_dir in sorted((out_dir / "truth").iterdir()):
        group_pairs = [line.split() for line in (group_dir / "pairs").read_text().splitlines()]
        entries = []
        for susp, src in group_pairs:
            assert [susp, src] in all_pairs
            truth = group_dir / f"{Path(susp).stem}-{Path(src).stem}.xml"
            features = read_pan_xml(truth)
            assert truth.read_text(encoding="utf-8").startswith(f'<document reference="{susp}"')
            entries.append((susp, src, features))
        by_group[group_dir.name] = entries
        seen += len(group_pairs)
    assert seen == len(all_pairs)
    return by_group


def _check_offsets(out_dir: Path, summary: CorpusSummary, groups: tuple[str, ...]) -> None:
    corpus = _read_corpus(out_dir)
    assert tuple(corpus) == tuple(sorted(groups))
    assert {group: len(entries) for group, entries in corpus.items()} == summary.by_group
    cases = 0
    for group, entries in corpus.items():
        for susp, src, features in entries:
            susp_text = (out_dir / "susp" / susp).read_text(encoding="utf-8")
            src_text = (out_dir / "src" / src).read_text(encoding="utf-8")
            if group == "negative":
                assert features == []
                continue
            assert features
            for feature in features:
                assert feature.name == "plagiarism"
                assert feature.obfuscation
                assert feature.this_reference == susp and feature.source_reference == src
                assert feature.this_offset >= 0
                assert feature.this_offset + feature.this_length <= len(susp_text)
                assert feature.source_offset >= 0
                assert feature.source_offset + feature.source_length <= len(src_text)
                susp_span = susp_text[
                    feature.this_offset : feature.this_offset + feature.this_length
                ]
                src_span = src_text[
                    feature.source_offset : feature.source_offset + feature.source_length
                ]
                assert _is_paragraph_run(susp_span, susp_text)
                assert _is_paragraph_run(src_span, src_text)
                # a spun passage keeps the paragraph count of its source passage
                assert len(_paragraphs(susp_span)) == len(_paragraphs(src_span))
            cases += len(features)
    assert cases == summary.cases


def test_simulated_corpus_on_fixture(tmp_path: Path) -> None:
    articles = _make_topic_articles(tmp_path / "articles")
    out_dir = tmp_path / "sim"
    summary = build_simulated_corpus(articles, out_dir, pairs=10, seed=3)
    assert summary.out_dir == out_dir
    assert summary.pairs == 10
    assert summary.by_group == {"light": 3, "medium": 3, "heavy": 2, "negative": 2}
    assert summary.cases == 8
    assert summary.cases_by_group["negative"] == 0
    _check_offsets(out_dir, summary, SIMULATED_GROUPS)

    corpus = _read_corpus(out_dir)
    for group in ("light", "medium", "heavy"):
        kinds = []
        for susp, src, (feature,) in corpus[group]:
            susp_text = (out_dir / "susp" / susp).read_text(encoding="utf-8")
            src_text = (out_dir / "src" / src).read_text(encoding="utf-8")
            whole = feature.this_length == len(susp_text.strip())
            kinds.append(whole)
            if whole:
                assert feature.source_length == len(src_text.strip())
            assert feature.obfuscation == f"simulated-{group}"
            spun = susp_text[feature.this_offset : feature.this_offset + feature.this_length]
            original = src_text[
                feature.source_offset : feature.source_offset + feature.source_length
            ]
            assert spun != original
        assert True in kinds and False in kinds  # both whole and embedded pairs
        sources = [src for _, src, _ in corpus[group]]
        assert len(sources) == len(set(sources))  # each source once per group

    # negatives pair two articles of one topic
    topic_of = {
        (articles / p.parent.name / p.name).read_text(): p.parent.name
        for p in articles.glob("*/*.txt")
    }
    for susp, src, _ in corpus["negative"]:
        susp_text = (out_dir / "susp" / susp).read_text(encoding="utf-8")
        src_text = (out_dir / "src" / src).read_text(encoding="utf-8")
        assert susp_text != src_text
        assert topic_of[susp_text] == topic_of[src_text]


def test_simulated_corpus_is_deterministic(tmp_path: Path) -> None:
    articles = _make_topic_articles(tmp_path / "articles")
    build_simulated_corpus(articles, tmp_path / "a", pairs=8, seed=5)
    build_simulated_corpus(articles, tmp_path / "b", pairs=8, seed=5)
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    for relative in files_a:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()


def test_builder_refuses_a_non_empty_output_dir(tmp_path: Path) -> None:
    articles = _make_topic_articles(tmp_path / "articles")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        build_simulated_corpus(articles, out_dir, pairs=4)


def test_too_few_articles_is_reported(tmp_path: Path) -> None:
    articles = _make_topic_articles(tmp_path / "articles", topics=2, per_topic=2)
    with pytest.raises(ValueError, match="not enough input documents"):
        build_simulated_corpus(articles, tmp_path / "out", pairs=40)


def test_spinbot_corpus_on_fixture(tmp_path: Path) -> None:
    spinbot = _make_spinbot_pairs(tmp_path / "spinbot")
    out_dir = tmp_path / "out"
    summary = build_spinbot_corpus(spinbot, out_dir, pairs=8, seed=1)
    assert summary.by_group == {"whole": 2, "embedded": 2, "reordered": 2, "negative": 2}
    assert summary.cases_by_group["whole"] == 2
    assert summary.cases_by_group["reordered"] >= 4
    _check_offsets(out_dir, summary, SPINBOT_GROUPS)
    _check_spinbot_spans(spinbot, out_dir)

    corpus = _read_corpus(out_dir)
    for _, _, features in corpus["reordered"]:
        source_order = [f.source_offset for f in sorted(features, key=lambda f: f.this_offset)]
        assert source_order != sorted(source_order)
    all_sources = {src for entries in corpus.values() for _, src, _ in entries}
    originals = {p.read_text() for p in spinbot.glob("*-ORIG.txt")}
    for src in all_sources:
        text = (out_dir / "src" / src).read_text(encoding="utf-8")
        assert text in originals
        assert "extra line" not in text


def _check_spinbot_spans(spinbot: Path, out_dir: Path) -> None:
    """Spans land on SPUN paragraphs i..j (susp) and ORIG paragraphs i..j (src) of one article."""
    articles = {
        path.read_text(encoding="utf-8"): (
            _paragraphs(path.read_text(encoding="utf-8")),
            _paragraphs(
                path.with_name(path.name.replace("-ORIG", "-SPUN")).read_text(encoding="utf-8")
            ),
        )
        for path in spinbot.glob("*-ORIG.txt")
    }
    corpus = _read_corpus(out_dir)
    for group in ("whole", "embedded", "reordered"):
        for susp, src, features in corpus[group]:
            susp_text = (out_dir / "susp" / susp).read_text(encoding="utf-8")
            original, spun = articles[(out_dir / "src" / src).read_text(encoding="utf-8")]
            for feature in features:
                susp_span = susp_text[
                    feature.this_offset : feature.this_offset + feature.this_length
                ]
                src_text = (out_dir / "src" / src).read_text(encoding="utf-8")
                src_span = src_text[
                    feature.source_offset : feature.source_offset + feature.source_length
                ]
                src_paragraphs = _paragraphs(src_span)
                starts = [
                    i
                    for i in range(len(original))
                    if original[i : i + len(src_paragraphs)] == src_paragraphs
                ]
                assert starts
                first = starts[0]
                spun_run = spun[first : first + len(src_paragraphs)]
                if group == "whole":
                    assert _paragraphs(susp_span) == spun_run
                else:
                    assert susp_span == "\n\n".join(spun_run)
                    assert all(len(p.split()) >= 25 for p in src_paragraphs)


requires_shared_data = pytest.mark.skipif(
    not (SHARED_DATA / "bbc-news").is_dir() or not (SHARED_DATA / "spinbot-wiki-train").is_dir(),
    reason="shared data sets not available",
)


@requires_shared_data
def test_simulated_corpus_on_bbc_news(tmp_path: Path) -> None:
    out_dir = tmp_path / "sim"
    summary = build_simulated_corpus(SHARED_DATA / "bbc-news", out_dir, pairs=12, seed=0)
    assert summary.by_group == {"light": 3, "medium": 3, "heavy": 3, "negative": 3}
    assert summary.cases == 9
    _check_offsets(out_dir, summary, SIMULATED_GROUPS)


@requires_shared_data
def test_spinbot_corpus_on_real_spinbot_output(tmp_path: Path) -> None:
    spinbot = SHARED_DATA / "spinbot-wiki-train"
    out_dir = tmp_path / "spinbot"
    summary = build_spinbot_corpus(spinbot, out_dir, pairs=12, seed=0)
    assert summary.by_group == {"whole": 3, "embedded": 3, "reordered": 3, "negative": 3}
    _check_offsets(out_dir, summary, SPINBOT_GROUPS)
    _check_spinbot_spans(spinbot, out_dir)
