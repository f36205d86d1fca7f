"""Tests of the file names of per-document reports (``unspin check --html-dir``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from unspin.report import ReportNames


def test_ids_become_bare_safe_names() -> None:
    names = ReportNames(".html")
    assert names("news/business/001.txt") == "news_business_001.txt.html"
    assert names("/abs/path/story.html") == "abs_path_story.html.html"
    assert names("../../etc/passwd") == "etc_passwd.html"
    assert names('a "quoted" <name>:1') == "a_quoted_name_1.html"
    assert names("Café – été.txt") == "Café_été.txt.html"
    assert names("...") == "document.html"
    assert names("CON") == "_CON.html"  # reserved on Windows


def test_names_are_unique_even_where_case_is_ignored() -> None:
    names = ReportNames(".html")
    given_names = [names(doc_id) for doc_id in ("a/b.txt", "a:b.txt", "A/B.txt", "a/b.txt")]
    assert given_names == ["a_b.txt.html", "a_b.txt~2.html", "A_B.txt~3.html", "a_b.txt~4.html"]
    again = ReportNames(".html")
    assert [again(doc_id) for doc_id in ("a/b.txt", "a:b.txt")] == given_names[:2]


def test_names_taken_by_an_earlier_run_are_not_handed_out_again() -> None:
    names = ReportNames(".html", taken=["A_B.txt.html", "a_b.txt~2.html"])
    assert [names("a/b.txt"), names("c.txt")] == ["a_b.txt~3.html", "c.txt.html"]


def test_a_long_id_keeps_its_end() -> None:
    name = ReportNames(".html")("/very" * 100 + "/deep/story-17.txt")
    assert name.endswith("_deep_story-17.txt.html") and len(name) <= 125


@given(st.lists(st.text(min_size=0, max_size=300), min_size=1, max_size=20))
def test_any_ids_give_distinct_plain_file_names(ids: list[str]) -> None:
    names = ReportNames(".html")
    given_names = [names(doc_id) for doc_id in ids]
    assert len({name.casefold() for name in given_names}) == len(ids)
    for name in given_names:
        assert name.endswith(".html") and not name.startswith(".")
        assert "/" not in name and "\\" not in name and "\x00" not in name
        assert all(char.isprintable() for char in name) and len(name) <= 140
