"""Scale benchmark: build an index of N synthetic ~500-word news-like documents (generated
at run time, never stored outside the index), then query it from a fresh process.

The generator is a first-order Markov chain over the words (and full stops) of the BBC
news corpus in ../shared/data/bbc-news, with invented names and numbers mixed in (3% of
tokens, from 50,000 names) and a paragraph break after a quarter of the sentences. It is
fully vectorized (numpy), deterministic given ``--seed``, and its texts have realistic
word frequencies, so posting lists have realistic lengths.

Measured:

* **build**: documents per CPU-second of the indexing process (fingerprinting, text
  compression, SQLite, segment writes and merges; generation time excluded and reported
  apart), i.e. per core, since ingest runs in one process;
* **disk**: size of the index directory;
* **query** (fresh process, index opened cold): latency p50/p95 of ``Index.search`` —
  retrieval plus alignment of the verified candidates — for 500-word queries of three
  kinds: ``spun`` (an indexed document, spun heavily), ``embedded`` (one spun paragraph
  of an indexed document inside a new document), ``clean`` (a new document); accuracy
  (top-1 for spun and embedded, false alarms for clean); resident memory (VmRSS and
  VmHWM of the query process, mapped index pages included). Before timing, the index files
  are read once into the OS page cache (a warm server; ``--cold`` skips it): lookups read
  small stretches of the segment files with pread, which is fast from the page cache and a
  random disk read otherwise.

    python bench/bench_scale.py --docs 1000000          # the target scale (~15 min)
    python bench/bench_scale.py --docs 100000           # a scaled run
    python bench/bench_scale.py --docs 20000 --queries 30   # smoke test
    python bench/bench_scale.py --docs 1000000 --keep       # keep the index in --work ...
    python bench/bench_scale.py --docs 1000000 --reuse --option min_further_evidence=15
        # ... and query it again, each query also with an option changed (alternately)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

BBC = BENCH_DIR.parent.parent / "shared" / "data" / "bbc-news"
WORDS_PER_DOC = 500
GENERATION_BATCH = 5000
_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|[0-9]+|\.")
_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ter",
    "von",
    "ri",
    "sa",
    "del",
    "mar",
    "ta",
    "ne",
    "bru",
    "os",
    "ha",
    "ul",
    "pe",
    "zan",
    "cor",
    "li",
    "dru",
    "en",
    "ma",
    "sto",
    "vik",
    "ga",
)


class Generator:
    """News-like synthetic documents from a word-level Markov chain (see module docstring)."""

    def __init__(self, corpus_dir: Path, seed: int) -> None:
        tokens: list[str] = []
        for path in sorted(corpus_dir.glob("*/*.txt")):
            text = path.read_bytes().decode("utf-8", errors="replace")
            tokens.extend(_TOKEN.findall(text.lower()))
        vocabulary = sorted(set(tokens))
        self.index = {word: i for i, word in enumerate(vocabulary)}
        ids = np.array([self.index[t] for t in tokens], dtype=np.int64)
        order = np.argsort(ids[:-1], kind="stable")
        self.successors = ids[1:][order]
        counts = np.bincount(ids[:-1], minlength=len(vocabulary))
        self.pointer = np.concatenate([[0], np.cumsum(counts)])
        self.counts = counts
        rng = np.random.default_rng(seed)
        names = {
            "".join(rng.choice(_SYLLABLES, size=rng.integers(2, 4))).capitalize()
            for _ in range(60_000)
        }
        extra = sorted(names)[:50_000] + [str(n) for n in range(1, 2100)]
        self.words = np.array([*vocabulary, *extra, ".\n\n"], dtype=object)
        self.extra_start = len(vocabulary)
        self.extra_count = len(extra)
        self.paragraph = len(self.words) - 1
        self.full_stop = self.index["."]
        self.starts = np.flatnonzero(counts > 0)
        self.rng = rng

    def batch(self, count: int) -> list[str]:
        rng = self.rng
        state = rng.choice(self.starts, size=count)
        out = np.empty((count, WORDS_PER_DOC), dtype=np.int64)
        for step in range(WORDS_PER_DOC):
            dead = self.counts[state] == 0
            if dead.any():
                state[dead] = rng.choice(self.starts, size=int(dead.sum()))
            pick = (rng.random(count) * self.counts[state]).astype(np.int64)
            state = self.successors[self.pointer[state] + pick]
            out[:, step] = state
        extra = rng.random(out.shape) < 0.03
        out[extra] = self.extra_start + rng.integers(0, self.extra_count, int(extra.sum()))
        breaks = (out == self.full_stop) & (rng.random(out.shape) < 0.25)
        out[breaks] = self.paragraph
        words = self.words
        return [" ".join(words[row]).replace(" .", ".") for row in out]


def _rss() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            fields[key] = int(value.split()[0]) // 1024  # MiB
    return fields


def build(args: argparse.Namespace, index_dir: Path, queries_file: Path) -> dict[str, object]:
    from unspin.eval import settings_for, spin_text
    from unspin.index import BAG_WINDOW, FingerprintOptions, Index

    generator = Generator(args.corpus, args.seed)
    keep_every = max(1, args.docs // (args.queries * 2))
    kept: list[str] = []
    generate_s = build_cpu = 0.0
    fingerprints = FingerprintOptions(
        sample=args.sample, bag_window=BAG_WINDOW if args.bag_pairs else 0
    )
    index = Index.open(index_dir, create=True, fingerprint_options=fingerprints)
    wall = time.perf_counter()
    done = 0
    with index.writer(batch_size=args.batch_size) as writer:
        while done < args.docs:
            started = time.perf_counter()
            texts = generator.batch(min(GENERATION_BATCH, args.docs - done))
            generate_s += time.perf_counter() - started
            started = time.process_time()
            for offset, text in enumerate(texts):
                writer.add(f"doc-{done + offset:07d}", text, html=False)
            build_cpu += time.process_time() - started
            kept.extend(t for i, t in enumerate(texts) if (done + i) % keep_every == 0)
            done += len(texts)
            if done % 100_000 < GENERATION_BATCH:
                elapsed = time.perf_counter() - wall
                print(f"  {done} documents, {elapsed:.0f} s", flush=True)
        started = time.process_time()
    build_cpu += time.process_time() - started  # the last flush and merges
    build_wall = time.perf_counter() - wall
    info = index.info()
    index.close()
    rng = np.random.default_rng(args.seed + 1)
    fresh = generator.batch(args.queries * 2)
    queries = []
    kept_ids = [i * keep_every for i in range(len(kept))]
    for number in range(args.queries):
        pick = int(rng.integers(0, len(kept)))
        text, doc_id = kept[pick], f"doc-{kept_ids[pick]:07d}"
        spun = spin_text(text, settings=settings_for("heavy"), seed=number)
        queries.append({"kind": "spun", "text": spun, "source": doc_id})
        paragraphs = [p for p in spun.split("\n\n") if len(p.split()) >= 40] or [spun]
        host = fresh[number].split("\n\n")
        host.insert(len(host) // 2, paragraphs[int(rng.integers(0, len(paragraphs)))])
        queries.append({"kind": "embedded", "text": "\n\n".join(host), "source": doc_id})
        queries.append({"kind": "clean", "text": fresh[args.queries + number], "source": None})
    queries_file.write_text("".join(json.dumps(q) + "\n" for q in queries))
    return {
        "documents": info.documents,
        "words_per_document": WORDS_PER_DOC,
        "build_cpu_s": round(build_cpu, 1),
        "build_wall_s": round(build_wall, 1),
        "generate_s": round(generate_s, 1),
        "docs_per_cpu_s": round(info.documents / build_cpu, 0),
        "disk_gib": round(info.disk_bytes / 2**30, 3),
        "segments": info.segments,
        "postings": info.postings,
        "build_peak_rss_mib": _rss()["VmHWM"],
        "bag_pairs": args.bag_pairs,
        "sample": args.sample,
    }


def _warm_page_cache(index_dir: Path) -> float:
    """Read every index file once (plain reads: the OS page cache fills, the process's
    resident set does not), as on a server that has been answering queries a while."""
    started = time.perf_counter()
    for path in sorted(index_dir.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                while handle.read(1 << 24):
                    pass
    return time.perf_counter() - started


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(ordered[len(ordered) // 2], 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
    }


def query(
    index_dir: Path, queries_file: Path, *, cold: bool, options: list[str]
) -> dict[str, object]:
    """Time every query; with ``options`` (NAME=VALUE of ``SearchOptions``), every query
    runs both with the defaults and with those changed, alternately first, so the two
    are timed at the same moments of the machine."""
    from _harness import search_options

    from unspin.index import Index, SearchOptions

    variants = {"default": SearchOptions()}
    if options:
        variants[",".join(options)] = search_options(options)
    queries = [json.loads(line) for line in queries_file.read_text().splitlines()]
    warm_s = 0.0 if cold else _warm_page_cache(index_dir)
    rss_start = _rss()
    index = Index.open(index_dir)
    for item in queries[:3]:  # warm-up: lexicon tables, first pages of each segment
        for variant in variants.values():
            index.search(item["text"], options=variant)
    kinds = ("spun", "embedded", "clean")
    timings: dict[str, dict[str, list[float]]] = {n: {k: [] for k in kinds} for n in variants}
    correct: dict[str, dict[str, list[bool]]] = {n: {k: [] for k in kinds} for n in variants}
    verified: dict[str, list[int]] = {name: [] for name in variants}
    names = list(variants)
    for number, item in enumerate(queries):
        for name in names[number % len(names) :] + names[: number % len(names)]:
            started = time.perf_counter()
            result = index.search(item["text"], options=variants[name])
            timings[name][item["kind"]].append((time.perf_counter() - started) * 1000)
            verified[name].append(sum(c.verified for c in result.candidates))
            if item["kind"] == "clean":
                correct[name]["clean"].append(not result.matches)
            else:
                correct[name][item["kind"]].append(
                    bool(result.matches) and result.matches[0].id == item["source"]
                )
    rss = _rss()

    def measured(name: str) -> dict[str, Any]:
        everything = [t for values in timings[name].values() for t in values]
        return {
            "latency_all": _percentiles(everything),
            "latency": {kind: _percentiles(values) for kind, values in timings[name].items()},
            "accuracy": {
                "spun_top1": statistics.fmean(correct[name]["spun"]),
                "embedded_top1": statistics.fmean(correct[name]["embedded"]),
                "clean_flagged": 1 - statistics.fmean(correct[name]["clean"]),
            },
            "mean_verified": round(statistics.fmean(verified[name]), 2),
        }

    default = measured("default")
    results: dict[str, object] = {
        "queries": len(queries),
        "page_cache": "cold (as left by the build)" if cold else f"warmed in {warm_s:.1f} s",
        **default,
        "rss_mib_before_open": rss_start,
        "rss_mib_after_queries": rss,
    }
    if options:
        other = measured(names[1])
        ratio = other["latency_all"]["p50_ms"] / default["latency_all"]["p50_ms"]
        results["compared"] = {
            "options": names[1],
            **other,
            "p50_ratio_to_default": round(ratio, 3),
        }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100, help="per kind")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--bag-pairs",
        action="store_true",
        help="index bag pairs too (bag_window 8, as `unspin index add --bag-pairs`)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=4,
        help="keep one fingerprint in N (as `unspin index add --sample`)",
    )
    parser.add_argument("--corpus", type=Path, default=BBC)
    parser.add_argument("--work", type=Path, default=BENCH_DIR / "out" / "scale-index")
    parser.add_argument("--keep", action="store_true", help="keep the index afterwards")
    parser.add_argument("--query-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="query the index an earlier --keep run left in --work instead of building one",
    )
    parser.add_argument(
        "--cold", action="store_true", help="do not read the index into the page cache first"
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="also time every query with this SearchOptions field changed, alternating "
        "with the defaults (the ratio of the two p50s is reported)",
    )
    args = parser.parse_args(argv)
    index_dir, queries_file = args.work / "index", args.work / "queries.jsonl"
    if args.query_only:
        print(json.dumps(query(index_dir, queries_file, cold=args.cold, options=args.option)))
        return 0
    from _harness import search_options

    search_options(args.option)  # a bad --option fails here, before the build
    if not args.corpus.is_dir():
        print(f"{args.corpus}: not found (the generator learns from BBC news), skipped")
        return 0
    results: dict[str, object] = {}
    if args.reuse:
        if not (index_dir.is_dir() and queries_file.is_file()):
            parser.error(f"--reuse: no index and queries in {args.work} (build with --keep)")
        results["build"] = {"reused": str(index_dir)}
    else:
        shutil.rmtree(args.work, ignore_errors=True)
        args.work.mkdir(parents=True)
        print(f"building an index of {args.docs} synthetic documents in {index_dir}", flush=True)
        results["build"] = build(args, index_dir, queries_file)
        print(json.dumps(results["build"]), flush=True)
    # Query from a fresh process: its memory is the querying footprint alone.
    subprocess.run(["sync"], check=False)
    completed = subprocess.run(
        [sys.executable, __file__, "--query-only", "--work", str(args.work)]
        + (["--cold"] if args.cold else [])
        + [f"--option={assignment}" for assignment in args.option],
        capture_output=True,
        text=True,
        check=True,
    )
    results["query"] = json.loads(completed.stdout.strip().splitlines()[-1])
    print(json.dumps(results["query"]), flush=True)
    out = BENCH_DIR / "out" / f"scale-{args.docs}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")
    if not args.keep and not args.reuse:
        shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
