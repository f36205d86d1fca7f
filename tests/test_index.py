"""End-to-end tests of search on a small corpus built in the test with the spin simulator:
whole spun copies, one spun paragraph inside an unindexed article, a page stitched from two
sources, HTML queries, and unrelated text that must not be called a copy."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import unspin.index._check
from conftest import news_article, prose_article
from unspin import Document, Index, SearchOptions, Verdict, WorkerError
from unspin.eval import settings_for, spin_text
from unspin.index import check_documents
from unspin.report import (
    search_result_from_dict,
    search_result_to_dict,
)

# Written for these tests: articles on the generated corpus's topics (a council, a bridge,
# money, delays) sharing no sentence with it; the library story is the bundled example.
SAME_TOPIC = "\n\n".join(
    (
        "Bridge repairs leave commuters facing months of disruption",
        "Drivers in the valley will have to find another way to work from next week, when the "
        "only road bridge over the river closes for urgent repairs. Inspectors discovered cracks "
        "in two of the supporting piers during a routine survey and ordered the crossing shut.",
        "The county engineer said the damage was caused by decades of heavy lorries and by the "
        "floods of the previous winter. A temporary footbridge will be built for pedestrians "
        "and cyclists, but cars and buses face a detour of almost twenty miles.",
        "Shopkeepers on both banks fear that trade will collapse while the bridge is closed. "
        "Several of them met council officers on Thursday evening and asked for help with rents "
        "until the road reopens, which is not expected before the end of the summer.",
    )
)
# Written for these tests: another story on the same topics, never indexed.
COUNCIL = "\n\n".join(
    (
        "Council vote on harbour ferry delayed again",
        "Councillors postponed a decision on the future of the harbour ferry for the third time "
        "on Tuesday, after the finance committee asked for fresh figures on passenger numbers "
        "and on the cost of replacing the ageing boat.",
        "Campaigners who packed the public gallery accused the council of stalling. One retired "
        "fisherman said the crossing had carried his family to school and to market for three "
        "generations, and that the town would be cut in two without it.",
        "Officials insist no option has been ruled out, including a partnership with a private "
        "operator. A report comparing the choices is promised for the autumn, when the full "
        "council will meet to set next year's budget.",
    )
)
LIBRARY = (Path(__file__).resolve().parents[1] / "examples" / "original.txt").read_text()
GARDEN = (
    "Tomatoes need at least six hours of direct sunshine a day, so choose the brightest corner "
    "you have. Use a deep pot with holes in the bottom and fill it with a rich compost mixed "
    "with a handful of sand. Water the plants in the morning rather than at night."
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    path = tmp_path_factory.mktemp("search") / "idx"
    index = Index.open(path, create=True)
    index.add([Document(f"news-{seed}", news_article(seed)) for seed in range(30)])
    index.add([Document("bridge", SAME_TOPIC), Document("library", LIBRARY)])
    return index


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _spin(text: str, seed: int, level: str = "heavy") -> str:
    return spin_text(text, settings=settings_for(level), seed=seed)


def test_a_whole_spun_article_is_traced_to_its_source(index: Index) -> None:
    for seed in (2, 17):
        query = _spin(news_article(seed), seed)
        result = index.search(query)
        top = result.matches[0]
        assert top.id == f"news-{seed}"
        assert top.verdict in (Verdict.SPUN_COPY, Verdict.COPY)
        assert top.query_coverage > 0.8 and result.query_coverage >= top.query_coverage
        assert result.verdict is top.verdict
        stored = index.get(top.id)
        assert stored is not None
        for passage in top.alignment.passages:
            assert 0 <= passage.suspicious.start < passage.suspicious.end <= len(query)
            assert 0 <= passage.source.start < passage.source.end <= len(stored.text)
        assert result.candidates[0].id == top.id and result.candidates[0].copy


def test_one_spun_paragraph_inside_an_unindexed_article_is_found(index: Index) -> None:
    source = _paragraphs(news_article(11))
    spun_paragraph = _spin(source[2], 3)
    host = _paragraphs(COUNCIL)
    query = "\n\n".join([*host[:2], spun_paragraph, *host[2:]])
    result = index.search(query)
    assert result.matches, result.candidates
    top = result.matches[0]
    assert top.id == "news-11"
    assert top.verdict is Verdict.PARTIAL_COPY
    start = query.index(spun_paragraph)
    passage = top.alignment.passages[0]
    # the passage lies on the spun paragraph, not on the host's text
    assert passage.suspicious.start >= start - 5
    assert passage.suspicious.end <= start + len(spun_paragraph) + 5
    assert 0.1 < top.query_coverage < 0.5


def test_a_page_stitched_from_two_sources_reports_both(index: Index) -> None:
    first = _paragraphs(LIBRARY)
    second = _paragraphs(SAME_TOPIC)
    page = "\n\n".join([_spin(p, 1) for p in first[1:4]] + [_spin(p, 2) for p in second[1:4]])
    result = index.search(page)
    found = {match.id for match in result.matches}
    assert {"library", "bridge"} <= found
    by_id = {match.id: match for match in result.matches}
    boundary = page.index(_spin(second[1], 2))
    assert all(p.suspicious.end <= boundary + 5 for p in by_id["library"].alignment.passages)
    assert all(p.suspicious.start >= boundary - 5 for p in by_id["bridge"].alignment.passages)
    assert result.query_coverage > 0.8


def test_unrelated_and_same_topic_texts_are_not_called_copies(index: Index) -> None:
    for text in (COUNCIL, GARDEN):
        result = index.search(text)
        assert result.matches == ()
        assert result.verdict is Verdict.NO_COPY
        assert result.query_coverage == 0.0


def test_an_html_query_gets_spans_into_the_raw_html(index: Index) -> None:
    body = "".join(f"<p>{p}</p>\n" for p in _paragraphs(_spin(news_article(9), 4)))
    page = f"<html><head><style>p {{}}</style></head><body>{body}</body></html>"
    result = index.search(page)
    top = result.matches[0]
    assert top.id == "news-9"
    first = top.alignment.passages[0]
    assert page[first.suspicious.start] not in "<>"
    assert first.suspicious.start > page.index("<body>")


def test_search_options_bound_the_work(index: Index) -> None:
    query = _spin(news_article(4), 9)
    none = index.search(query, options=SearchOptions(min_evidence=1e9))
    assert none.matches == () and not any(c.verified for c in none.candidates)
    strict = index.search(query, options=SearchOptions(min_score=0.99))
    assert strict.matches == () and strict.candidates[0].verified
    assert len(index.search(query, options=SearchOptions(top=1)).matches) == 1


def test_search_sees_documents_added_after_it_opened(tmp_path: Path) -> None:
    path = tmp_path / "idx"
    reader = Index.open(path, create=True)
    assert reader.search(news_article(1)).matches == ()
    with Index.open(path) as writer:
        writer.add(Document("late", news_article(1)))
    assert [m.id for m in reader.search(news_article(1)).matches] == ["late"]
    reader.close()


def test_an_excluded_document_is_never_proposed(tmp_path: Path) -> None:
    # A collection indexed whole and then checked against itself (dedup): each document
    # finds itself first, and its identical copy explains the spun one away.
    spun = _spin(prose_article(4), 1)
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add([Document("original", prose_article(4)), Document("spun", spun)])
        index.add([Document(f"prose-{seed}", prose_article(seed)) for seed in range(5, 15)])
        assert [m.id for m in index.search(spun).matches] == ["spun"]
        for exclude in (["spun"], ("spun", "not-held"), "spun"):  # a str is one id
            result = index.search(spun, exclude=exclude)
            assert [m.id for m in result.matches] == ["original"]
            assert "spun" not in {c.id for c in result.candidates}
        assert [m.id for m in index.search(prose_article(4), exclude=["original"]).matches] == [
            "spun"
        ]
        # The exclusion is per search: the index itself is unchanged.
        assert [m.id for m in index.search(spun).matches] == ["spun"]
        assert index.get("spun") is not None


def test_search_results_round_trip_through_json(index: Index) -> None:
    query = _spin(news_article(6), 2)
    result = index.search(query)
    stored = index.get(result.matches[0].id)
    assert stored is not None
    data = search_result_to_dict(
        result,
        query_name="q.txt",
        query_text=query,
        source_texts={stored.id: stored.text},
        candidates=True,
    )
    assert data["sources"][0]["alignment"]["source"]["name"] == stored.id
    assert search_result_from_dict(data) == result


def test_sources_are_the_stored_documents_of_the_matches(tmp_path: Path) -> None:
    page = "<html><body>" + "".join(f"<p>{p}</p>" for p in _paragraphs(news_article(12)))
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add([Document("page.html", page + "</body></html>", html=True)])
        index.add([Document(f"news-{seed}", news_article(seed)) for seed in (1, 2)])
        result = index.search(_spin(news_article(12), 3))
        assert [match.id for match in result.matches] == ["page.html"]
        stored = index.get("page.html")
        assert stored is not None
        expected = Document("page.html", stored.text, path=stored.path, html=True)
        assert index.sources(result) == {"page.html": expected}
        index.remove(["page.html"])
        assert index.sources(result) == {}  # removed since the search: left out


def test_a_shared_list_of_names_is_not_called_copied_writing(tmp_path: Path) -> None:
    squad = (
        "Ireland: G Dempsey; G Murphy, B O'Driscoll (capt), S Horgan, D Hickie; R O'Gara, "
        "P Stringer; R Corrigan, S Byrne, J Hayes, M O'Kelly, P O'Connell, S Easterby, "
        "J O'Connor, A Foley. Replacements: F Sheahan, M Horan, D O'Callaghan, E Miller, "
        "G Easterby, D Humphreys, K Maggs.\n\n"
        "England: J Robinson (capt); M Cueto, J Noon, O Barkley, J Lewsey; C Hodgson, "
        "H Ellis; G Rowntree, S Thompson, P Vickery, D Grewcock, B Kay, J Worsley, "
        "L Moody, M Corry. Replacements: A Titterrell, M Stevens, S Borthwick, A Hazell, "
        "M Dawson, H Paul, B Cohen.\n\n"
        "Referee: J Kaplan (South Africa). Touch judges: S Walsh, M Lawrence."
    )
    report = "\n\n".join([_paragraphs(news_article(3))[1], squad, _paragraphs(news_article(4))[2]])
    # Another report of the match prints one team's line-up the same way.
    other = "\n\n".join([COUNCIL, squad.split("\n\n")[0]])
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add(Document("match-report", report))
        assert index.search(other).matches == ()
        anything = SearchOptions(min_prose=0.0, min_support=0, min_evidence=0.0)
        found = index.search(other, options=anything).matches
        assert [m.id for m in found] == ["match-report"]
        assert found[0].support < SearchOptions().min_list_support
        assert index.search(report).matches[0].id == "match-report"
        # Both whole team sheets, replacements and officials copied: a list copied whole
        # keeps enough fingerprints (min_list_support) to be reported as copied text.
        aligned = SearchOptions(min_evidence=0.0)  # this small index gives little evidence
        whole = index.search("\n\n".join([COUNCIL, squad]), options=aligned).matches
        assert [m.id for m in whole] == ["match-report"]
        assert whole[0].support >= SearchOptions().min_list_support


def test_check_documents_skips_as_many_documents_of_an_id_as_it_is_told(tmp_path: Path) -> None:
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add([Document(f"news-{seed}", news_article(seed)) for seed in (1, 2, 3)])
    queries = [Document(f"q{seed}", news_article(seed)) for seed in (1, 2, 3)]
    queries.append(Document("q1", news_article(2)))  # an id given twice: the second is new
    for jobs in (1, 2):
        checked = check_documents(tmp_path / "idx", queries, jobs=jobs, skip={"q1": 1, "q9": 2})
        found = [(item.document.id, item.result.matches[0].id) for item in checked if item.result]
        assert found == [("q2", "news-2"), ("q3", "news-3"), ("q1", "news-2")]
    assert len(list(check_documents(tmp_path / "idx", queries, jobs=1))) == 4


def test_min_coverage_drops_the_sources_that_cover_little_of_the_query(index: Index) -> None:
    query = _spin(news_article(4), 4, "light") + "\n\n" + _paragraphs(LIBRARY)[1]
    every = index.search(query)
    coverage = {match.id: match.query_coverage for match in every.matches}
    assert {"news-4", "library"} <= set(coverage)
    assert coverage["library"] < 0.3 < coverage["news-4"]
    kept = index.search(query, options=SearchOptions(min_coverage=0.3))
    assert kept.matches == tuple(m for m in every.matches if m.query_coverage >= 0.3)
    assert kept.query_coverage == pytest.approx(coverage["news-4"], abs=0.01)
    assert kept.query_coverage < every.query_coverage
    assert index.search(query, options=SearchOptions(min_coverage=1.0)).matches == ()


def test_a_worker_that_dies_is_a_worker_error_however_the_results_are_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add([Document("news-1", news_article(1))])
    real = unspin.index._check._search

    def dies(index: Index, document: Document, *args: object, **kw: object) -> object:
        if document.id == "q20":
            os._exit(9)  # as the out-of-memory killer would end it
        return real(index, document, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(unspin.index._check, "_search", dies)  # the forked workers see it
    queries = [Document(f"q{number}", news_article(1, paragraphs=1)) for number in range(60)]
    taken = 0
    with pytest.raises(WorkerError, match="a worker process died"):
        for _ in check_documents(tmp_path / "idx", queries, jobs=2):
            taken += 1
            time.sleep(0.05)  # a slow consumer: the pool breaks while it submits
    assert taken < 60
