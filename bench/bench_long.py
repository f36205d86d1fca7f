"""Long documents: alignment time and memory against document length.

    python bench/bench_long.py [--words 12500,25000,50000,100000,200000] [--data DIR]
    python bench/bench_long.py --words 12500 --letters 40000,200000,1000000,5000000

Builds a source text of N words from BBC News articles (../shared/data/bbc-news, all
topics, in file order), spins it with unspin's simulator (medium) and aligns the
spun copy with its source in one process. Per length it prints analysis and
alignment seconds, the number of passages and the suspicious text's coverage (a
whole spun copy should be one passage covering nearly all of it), and the time per
word relative to the shortest length measured in the same run: near 1.0 means
linear cost, a value growing with length means super-linear cost. Peak RSS of the
process is printed at the end.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from unspin.align import AlignOptions, align
from unspin.eval import settings_for, spin_text
from unspin.text._analysis import analyse_text

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _source_text(data: Path, words: int) -> str:
    texts: list[str] = []
    count = 0
    for path in sorted(data.glob("*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        texts.append(text)
        count += len(text.split())
        if count >= words:
            break
    return "\n\n".join(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", default="12500,25000,50000,100000,200000")
    parser.add_argument(
        "--letters",
        default="",
        help="also analyse one run of each of these numbers of letters (e.g. 40000,1000000)",
    )
    parser.add_argument(
        "--data", type=Path, default=_REPO_ROOT.parent / "shared" / "data" / "bbc-news"
    )
    args = parser.parse_args()
    lengths = [int(w) for w in args.words.split(",")]
    options = AlignOptions(rewrites=False)
    print("words   analyse_s  align_s  passages  coverage  align_s_per_word_vs_shortest")
    base: float | None = None
    for words in lengths:
        source = _source_text(args.data, words)
        actual = len(source.split())
        suspicious = spin_text(source, settings=settings_for("medium"), seed=1)
        started = time.perf_counter()
        analysis_s, analysis_r = analyse_text(suspicious), analyse_text(source)
        analysed = time.perf_counter()
        result = align(analysis_s, analysis_r, options=options)
        aligned = time.perf_counter()
        per_word = (aligned - analysed) / actual
        base = base or per_word
        print(
            f"{actual:<7} {analysed - started:9.2f}  {aligned - analysed:7.2f}  "
            f"{len(result.passages):8}  {result.suspicious_coverage:8.3f}  {per_word / base:6.2f}",
            flush=True,
        )
    if args.letters:
        _runs_of_letters([int(n) for n in args.letters.split(",")])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


def _runs_of_letters(lengths: list[int]) -> None:
    """Analysis of one unbroken run of N letters (a scraped blob, an attack on the web
    app), on the fast path and on the reference one (un-gluing tries each run for two
    glued words): seconds, and seconds per letter against the shortest run."""
    from unspin.text._reference import reference_analyse_text
    from unspin.text._tokenize import split_glued

    print("letters  fast_s  reference_s  fast_s_per_letter_vs_shortest  reference_vs_shortest")
    bases: list[float] = []
    for letters in lengths:
        text = "a" * (letters - 5) + "house"
        split_glued.cache_clear()
        started = time.perf_counter()
        analyse_text(text)
        fast = time.perf_counter() - started
        started = time.perf_counter()
        reference_analyse_text(text)
        reference = time.perf_counter() - started
        if not bases:
            bases = [fast / letters, reference / letters]
        print(
            f"{letters:<8} {fast:6.3f}  {reference:11.3f}  "
            f"{fast / letters / bases[0]:29.2f}  {reference / letters / bases[1]:21.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
