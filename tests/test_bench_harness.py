"""Tests of bench/_harness.py: the ``--option NAME=VALUE`` parsing every retrieval
benchmark shares, and how a run names the options it changed."""

from __future__ import annotations

import pytest

from _bench import load_bench_module
from unspin.index import SearchOptions

harness = load_bench_module("_harness.py", "bench_harness")


def test_options_set_search_and_alignment_fields_with_their_types() -> None:
    options = harness.search_options(
        ["min_support=15", "realign_whole=false", "align.min_pair_words=27", "patchwork_bar=0.5"]
    )
    assert options.min_support == 15 and options.realign_whole is False
    assert options.patchwork_bar == 0.5
    assert options.align.min_pair_words == 27
    assert options.align._replace(min_pair_words=36) == SearchOptions().align
    base = SearchOptions(top=50)
    assert harness.search_options(["align.refine=false"], base).top == 50


@pytest.mark.parametrize(
    "assignment",
    [
        "nonsense=1",
        "min_support",
        "align=1",
        "align.nonsense=1",
        "align.analysis=x",
        "refine=1",
        "realign_whole=maybe",
        "align.min_pair_words=27.5",
        "top=many",
    ],
)
def test_a_bad_option_exits_with_one_line(assignment: str) -> None:
    with pytest.raises(SystemExit) as raised:
        harness.search_options([assignment])
    message = str(raised.value)
    assert assignment in message and "\n" not in message


def test_changed_options_name_alignment_fields_with_a_prefix() -> None:
    assert harness.changed_options(SearchOptions()) == {}
    options = harness.search_options(["top=50", "align.min_pair_words=24"])
    assert harness.changed_options(options) == {"top": 50, "align.min_pair_words": 24}
