"""The resumable report of a batch check: :class:`CheckReportWriter` and
:func:`read_check_report` (the CLI's use of them is in test_cli_index.py)."""

from __future__ import annotations

import json
import pickle
import re
import shutil
from pathlib import Path

import pytest

from conftest import news_article
from unspin import (
    AlignOptions,
    Document,
    FormatError,
    Index,
    InputError,
    OutputError,
    ReportLockedError,
    ReportSettingsError,
    SettingDifference,
)
from unspin.index import SearchOptions, check_documents
from unspin.report import (
    CheckReportWriter,
    _check_report,
    is_check_report,
    read_check_report,
    search_result_to_json,
)

# Written for these tests.
_UNRELATED = (
    "Tomatoes need a sunny wall, a deep pot of compost and water every evening in July. "
    "Pinch out the side shoots as they appear, and feed the plants once a week when the "
    "first flowers open. A cold night in May can still undo a month of work."
)


@pytest.fixture()
def index_path(tmp_path: Path) -> Path:
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add(Document(f"news-{seed}", news_article(seed)) for seed in (1, 2, 3))
    return tmp_path / "idx"


def _queries(*seeds: int) -> list[Document]:
    return [Document(f"q{seed}", news_article(seed)) for seed in seeds]


def _names(path: Path) -> list[str]:
    return sorted(read_check_report(path).names.elements())


def test_the_writer_resumes_what_an_interrupted_run_wrote(tmp_path: Path, index_path: Path) -> None:
    out = tmp_path / "report.jsonl"
    partial = tmp_path / "report.jsonl.partial"
    with pytest.raises(KeyboardInterrupt), CheckReportWriter(out) as report:
        for number, item in enumerate(check_documents(index_path, _queries(1, 2, 3), jobs=1)):
            if number == 2:
                raise KeyboardInterrupt
            report.add(item)
    assert not out.exists() and report.kept == 2 and not report.finished
    assert _names(partial) == ["q1", "q2"]
    with pytest.raises(InputError, match="--resume"):  # not without saying so
        CheckReportWriter(out).__enter__()
    with CheckReportWriter(out, resume=True) as resumed:
        assert dict(resumed.skip) == {"q1": 1, "q2": 1} and resumed.origin == partial
        for item in check_documents(index_path, _queries(1, 2, 3), jobs=1, skip=resumed.skip):
            resumed.add(item)
    assert resumed.finished and resumed.lines == 1 and not partial.exists()
    assert _names(out) == ["q1", "q2", "q3"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["idx", "report.jsonl"]


def test_an_interruption_before_the_first_line_leaves_no_file(
    tmp_path: Path, index_path: Path
) -> None:
    out = tmp_path / "report.jsonl"
    with pytest.raises(RuntimeError), CheckReportWriter(out) as report:
        raise RuntimeError("stopped")
    assert report.kept == 0 and list(tmp_path.iterdir()) == [index_path]


def test_a_second_writer_on_one_report_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "report.jsonl"
    with CheckReportWriter(out):
        for resume in (False, True):
            with pytest.raises(ReportLockedError, match="another unspin check"):
                CheckReportWriter(out, resume=resume).__enter__()
    assert read_check_report(out).lines == 0  # the first one finished: an empty report


def test_extending_a_finished_report_touches_it_only_when_a_line_comes(
    tmp_path: Path, index_path: Path
) -> None:
    out = tmp_path / "report.jsonl"
    with CheckReportWriter(out) as report:
        for item in check_documents(index_path, _queries(1), jobs=1):
            report.add(item)
    before = out.stat()
    with CheckReportWriter(out, resume=True) as again:
        assert again.extending
        for item in check_documents(index_path, _queries(1), jobs=1, skip=again.skip):
            again.add(item)
    assert again.lines == 0 and out.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(KeyboardInterrupt), CheckReportWriter(out, resume=True) as extension:
        for item in check_documents(index_path, _queries(1, 2, 3), jobs=1, skip=extension.skip):
            extension.add(item)
            raise KeyboardInterrupt
    # The new line is kept in the copy (the one line only it holds); the finished report
    # is as it was.
    assert extension.kept == 1 and out.stat().st_mtime_ns == before.st_mtime_ns
    assert _names(tmp_path / "report.jsonl.partial") == ["q1", "q2"]


def _check(
    out: Path, index: Path, queries: list[Document], options: SearchOptions, **writer: object
) -> CheckReportWriter:
    with CheckReportWriter(out, index=index, options=options, **writer) as report:  # type: ignore[arg-type]
        for item in check_documents(index, queries, jobs=1, options=options, skip=report.skip):
            report.add(item)
    return report


def test_a_report_is_carried_on_only_with_the_settings_it_was_checked_with(
    tmp_path: Path, index_path: Path
) -> None:
    out = tmp_path / "report.jsonl"
    narrow = SearchOptions(top=2, min_coverage=0.2, align=AlignOptions(min_pair_words=12))
    _check(out, index_path, _queries(1), narrow)
    (recorded,) = read_check_report(out).settings
    assert re.fullmatch("[0-9a-f]{16}", recorded["defaults"])  # which defaults, in short
    assert ({k: v for k, v in recorded.items() if k != "defaults"},) == (
        {
            "index": str(index_path.resolve()),
            "exclude_self": False,
            # only what differs from the defaults, nested options by name
            "options": {"top": 2, "min_coverage": 0.2, "align": {"min_pair_words": 12}},
        },
    )
    other_index = tmp_path / "other"
    shutil.copytree(index_path, other_index)
    wider = narrow._replace(min_coverage=0.0)
    for index, options, exclude_self, difference in (
        (index_path, wider, False, "min_coverage 0.2 then, 0.0 now"),
        (index_path, narrow, True, "exclude_self false then, true now"),
        (other_index, narrow, False, f'index "{index_path.resolve()}" then'),
        (index_path, SearchOptions(top=2, min_coverage=0.2), False, "align.min_pair_words 12"),
    ):
        with pytest.raises(InputError) as caught:
            CheckReportWriter(
                out, resume=True, index=index, options=options, exclude_self=exclude_self
            ).__enter__()
        assert difference in str(caught.value) and "\n" not in str(caught.value)
        assert "write this run to another file" in str(caught.value)
        assert isinstance(caught.value, ReportSettingsError)
        assert caught.value.report == str(out) and len(caught.value.differences) == 1
    before = out.read_bytes()
    assert not (tmp_path / "report.jsonl.partial").exists()
    # The same settings, with the index named another way (a symbolic link), carry on.
    (tmp_path / "link").symlink_to(index_path)
    again = _check(out, tmp_path / "link", _queries(1, 2), narrow, resume=True)
    assert again.lines == 1 and out.read_bytes().startswith(before)


def test_the_html_directory_is_a_setting_and_a_refusal_names_settings_as_asked(
    tmp_path: Path, index_path: Path
) -> None:
    out, pages = tmp_path / "report.jsonl", tmp_path / "pages"
    _check(out, index_path, _queries(1), SearchOptions(), html_dir=pages)
    assert read_check_report(out).settings[0]["html_dir"] == str(pages.resolve())
    # named another way (a symbolic link), the same directory carries on
    (tmp_path / "link").symlink_to(pages)
    assert (
        _check(
            out,
            index_path,
            _queries(1, 2),
            SearchOptions(),
            html_dir=tmp_path / "link",
            resume=True,
        ).lines
        == 1
    )
    for html_dir, now in ((tmp_path / "other", str((tmp_path / "other").resolve())), (None, None)):
        with pytest.raises(ReportSettingsError) as caught:
            CheckReportWriter(
                out, resume=True, index=index_path, html_dir=html_dir, options=SearchOptions(top=3)
            ).__enter__()
        assert caught.value.differences == (
            SettingDifference("html_dir", str(pages.resolve()), now),
            SettingDifference("top", 10, 3),
        )
        told = caught.value.describe({"top": "--top"})
        assert "; --top 10 then, 3 now)" in told and told.startswith(f"{out}: was checked")
        assert "; top 10 then, 3 now)" in str(caught.value)
    # a report begun without pages records no directory, as before
    plain = tmp_path / "plain.jsonl"
    _check(plain, index_path, _queries(1), SearchOptions())
    assert "html_dir" not in read_check_report(plain).settings[0]


def test_lines_checked_under_other_defaults_are_told_not_refused(
    tmp_path: Path, index_path: Path
) -> None:
    out = tmp_path / "report.jsonl"
    _check(out, index_path, _queries(1), SearchOptions(top=3))
    with CheckReportWriter(
        out, resume=True, index=index_path, options=SearchOptions(top=3)
    ) as same:
        assert not same.other_defaults
    # as another version of unspin, whose defaults differ, would have written it
    line = json.loads(out.read_text())
    line["check"]["defaults"] = "0123456789abcdef"
    out.write_text(json.dumps(line) + "\n")
    again = _check(out, index_path, _queries(1, 2), SearchOptions(top=3), resume=True)
    assert again.other_defaults and again.lines == 1
    # the settings given are still compared
    with pytest.raises(ReportSettingsError, match="top 3 then, 10 now"):
        CheckReportWriter(out, resume=True, index=index_path).__enter__()


def test_lines_of_the_first_settings_format_carry_on_with_their_html_directory(
    tmp_path: Path, index_path: Path
) -> None:
    # As the unspin before the digest wrote them: no "defaults", no "html_dir".
    out, pages = tmp_path / "report.jsonl", tmp_path / "pages"
    _check(out, index_path, _queries(1), SearchOptions(), html_dir=pages)
    line = json.loads(out.read_text())
    del line["check"]["defaults"], line["check"]["html_dir"]
    out.write_text(json.dumps(line) + "\n")
    again = _check(out, index_path, _queries(1, 2), SearchOptions(), html_dir=pages, resume=True)
    assert again.lines == 1 and not again.other_defaults
    # their options are still compared
    with pytest.raises(ReportSettingsError, match="top 10 then, 3 now"):
        CheckReportWriter(
            out, resume=True, index=index_path, html_dir=pages, options=SearchOptions(top=3)
        ).__enter__()


def test_the_defaults_digest_changes_only_with_the_search_defaults() -> None:
    # Changing a search default changes what every report line means: when this fails,
    # the change was deliberate, so update the digest here and in the README.
    assert _check_report._DEFAULTS_DIGEST == "da913584b649e2fe"
    assert _check_report._FIRST_DEFAULTS_DIGEST == "da913584b649e2fe"  # fixed for good


def test_a_settings_refusal_pickles_and_shows_names_as_they_are() -> None:
    error = ReportSettingsError(
        "r.jsonl", [SettingDifference("html_dir", "/tmp/pagés", None)], "start over"
    )
    assert str(error) == (
        'r.jsonl: was checked with other settings (html_dir "/tmp/pagés" then, none now); '
        "start over"
    )
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, ReportSettingsError) and str(copy) == str(error)
    assert copy.differences == error.differences and copy.report == "r.jsonl"


def test_a_refused_resume_leaves_the_partial_report_as_it_was(
    tmp_path: Path, index_path: Path
) -> None:
    out, partial = tmp_path / "report.jsonl", tmp_path / "report.jsonl.partial"
    _check(out, index_path, _queries(1, 2), SearchOptions())
    torn = out.read_bytes()[:-50]  # a killed run was writing the second line
    partial.write_bytes(torn)
    out.unlink()
    with pytest.raises(InputError, match=r"top 10 then, 3 now.*delete it to start over"):
        CheckReportWriter(
            partial.with_suffix(""), resume=True, index=index_path, options=SearchOptions(top=3)
        ).__enter__()
    assert partial.read_bytes() == torn


def test_lines_that_record_no_settings_neither_hide_nor_block_those_that_do(
    tmp_path: Path, index_path: Path
) -> None:
    out = tmp_path / "report.jsonl"
    narrow = SearchOptions(top=3)
    _check(out, index_path, _queries(1), narrow)
    with CheckReportWriter(out, resume=True) as library:  # no index: records nothing
        for item in check_documents(index_path, _queries(1, 2), jobs=1, skip=library.skip):
            library.add(item)
    report = read_check_report(out)
    assert report.lines == 2 and report.unrecorded == 1 and len(report.settings) == 1
    with pytest.raises(InputError, match="top 3 then, 10 now"):
        CheckReportWriter(out, resume=True, index=index_path).__enter__()
    assert _check(out, index_path, _queries(1, 2, 3), narrow, resume=True).lines == 1


def test_a_check_report_is_read_back_up_to_a_torn_last_line(tmp_path: Path) -> None:
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add([Document("news-1", news_article(1))])
        lines = [
            search_result_to_json(index.search(text), query_name=name, indent=None)
            for name, text in (("a", news_article(1)), ("b", _UNRELATED), ("a", "x " * 60))
        ]
    path = tmp_path / "report.jsonl"
    whole = "".join(lines).encode()
    path.write_bytes(whole + lines[0].encode()[:40])  # a killed run was writing a fourth
    report = read_check_report(path, unfinished=True)
    assert report.names == {"a": 2, "b": 1} and report.lines == 3
    assert report.with_sources == 1 and report.length == len(whole)
    path.write_bytes(whole)
    assert read_check_report(path, unfinished=True).length == len(whole)
    assert not read_check_report(path, unfinished=True).unterminated
    path.write_bytes(whole[:-1])  # whole, but its newline never made it (or was edited off)
    report = read_check_report(path, unfinished=True)
    assert report.lines == 3 and report.length == len(whole) - 1 and report.unterminated
    assert read_check_report(path).unterminated  # a finished report may lack it too
    # A finished report has no torn line: one that does not parse is not a report.
    path.write_bytes(whole + lines[0].encode()[:40])
    with pytest.raises(FormatError, match="line 4"):
        read_check_report(path)
    path.write_bytes(b'{"settings": true}')
    with pytest.raises(FormatError, match="line 1"):
        read_check_report(path)
    path.write_bytes(whole + b'{"schema": "unspin.alignment/1"}\n' + lines[0].encode())
    with pytest.raises(FormatError, match=r"line 4 is not an unspin\.search/1 line"):
        read_check_report(path, unfinished=True)


def test_is_check_report_reads_only_how_the_file_begins(tmp_path: Path, index_path: Path) -> None:
    out = tmp_path / "report.jsonl"
    with CheckReportWriter(out) as report:
        for item in check_documents(index_path, _queries(1), jobs=1):
            report.add(item)
    assert is_check_report(out)
    (tmp_path / "empty.jsonl").write_text("")
    assert is_check_report(tmp_path / "empty.jsonl")
    data = tmp_path / "data.jsonl"
    data.write_text('{"id": "a", "text": "' + "word " * 10 + '"}\n')
    assert not is_check_report(data)


def test_a_lock_that_cannot_be_written_is_named_itself(tmp_path: Path) -> None:
    out = tmp_path / "report.jsonl"
    (tmp_path / "report.jsonl.lock").mkdir()  # the report's own name was blamed
    with pytest.raises(OutputError) as caught:
        CheckReportWriter(out).__enter__()
    assert str(caught.value) == (
        f"{tmp_path}/report.jsonl.lock: cannot write the report's lock (Is a directory)"
    )
    assert not out.exists() and not (tmp_path / "report.jsonl.partial").exists()
