"""Load benchmark of the web app: 50 concurrent clients on loopback for 60 s.

Each client posts ``/api/compare`` requests back to back (a closed loop, no think time,
the hardest reading of "50 concurrent clients") for ``--duration`` seconds, each request
a different pair of about 1,000-word documents, taken in turn from ``--pairs`` pairs
built from ``../shared/data/bbc-news`` (news articles joined to ~1,000 words; the
suspicious side is the source spun by ``unspin.eval.spin_text`` at light, medium or
heavy strength, or, for one pair in ten, an unrelated article). Bounded: a client stops
at the deadline, a request times out after ``--timeout`` s, and the run stops after
``--max-requests`` requests in all.

Reported: throughput (requests/s), latency p50 / p95 / p99 / max, error count (any
answer other than 200 with an ``unspin.alignment/1`` body, or a timeout), and, as the
baseline measured in the same run, the same comparisons through the library in-process
(``compare_documents`` + JSON report, one after another on one core): its per-request
time and throughput, and the server's throughput as a multiple of it.

    python bench/bench_server.py [--clients 50] [--duration 60] [--workers N]
        [--pairs 200] [--words 1000] [--baseline-seconds 20] [--profile]

The server runs as ``unspin serve --no-access-log`` in a subprocess; the clients run in
this process (one asyncio loop, httpx), so they share the 2 cores with it, as a
benchmark on one machine must. Results go to ``bench/out/server-<time>/results.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import httpx

from unspin.eval import SpinLevel, settings_for, spin_text
from unspin.io import Document
from unspin.server._jobs import compare_job
from unspin.server._schema import OutputFormat

BENCH_DIR = Path(__file__).resolve().parent
BBC_DIR = BENCH_DIR.parent.parent / "shared" / "data" / "bbc-news"
OUTPUT_ROOT = BENCH_DIR / "out"


class Pair(NamedTuple):
    suspicious: str
    source: str
    kind: str


def _articles(data_dir: Path) -> list[str]:
    files = sorted(data_dir.glob("*/*.txt"))
    if not files:
        sys.exit(f"bench_server: no articles under {data_dir} (need ../shared/data/bbc-news)")
    return [path.read_text(encoding="utf-8", errors="replace").strip() for path in files]


def _documents(articles: list[str], words: int, count: int, rng: random.Random) -> list[str]:
    """``count`` texts of about ``words`` words, each made of whole paragraphs of
    articles taken in a shuffled order (no article used twice)."""
    order = list(range(len(articles)))
    rng.shuffle(order)
    texts: list[str] = []
    paragraphs: list[str] = []
    total = 0
    for index in order:
        for paragraph in articles[index].split("\n\n"):
            paragraphs.append(paragraph)
            total += len(paragraph.split())
            if total >= words:
                break
        if total >= words:
            texts.append("\n\n".join(paragraphs))
            paragraphs, total = [], 0
            if len(texts) == count:
                return texts
    sys.exit(f"bench_server: not enough articles for {count} documents of {words} words")


def build_pairs(data_dir: Path, count: int, words: int, seed: int = 0) -> list[Pair]:
    rng = random.Random(seed)
    texts = _documents(_articles(data_dir), words, count + count // 10 + 1, rng)
    sources, unrelated = texts[:count], texts[count:]
    levels = [SpinLevel.LIGHT, SpinLevel.MEDIUM, SpinLevel.HEAVY]
    pairs: list[Pair] = []
    for number, source in enumerate(sources):
        if number % 10 == 9:
            pairs.append(Pair(unrelated[number // 10 % len(unrelated)], source, "unrelated"))
            continue
        level = levels[number % 3]
        spun = spin_text(source, settings=settings_for(level), seed=number)
        pairs.append(Pair(spun, source, f"spun-{level}"))
    return pairs


def _body(pair: Pair, number: int) -> bytes:
    return json.dumps(
        {
            "suspicious": {"text": pair.suspicious, "name": f"suspicious-{number}.txt"},
            "source": {"text": pair.source, "name": f"source-{number}.txt"},
        }
    ).encode("utf-8")


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the baseline: the library, in process ------------------------------------------------


def library_baseline(pairs: list[Pair], seconds: float) -> dict[str, float]:
    """The same work as a request (documents → report → JSON), one pair after another."""
    compare_job(
        Document("w", pairs[0].suspicious), Document("w", pairs[0].source), OutputFormat.JSON
    )
    times: list[float] = []
    started = time.perf_counter()
    number = 0
    while time.perf_counter() - started < seconds or number < 10:
        pair = pairs[number % len(pairs)]
        begin = time.perf_counter()
        compare_job(
            Document(f"s{number}", pair.suspicious),
            Document(f"r{number}", pair.source),
            OutputFormat.JSON,
        )
        times.append(time.perf_counter() - begin)
        number += 1
    return {
        "requests": len(times),
        "mean_s": statistics.fmean(times),
        "p50_s": _percentile(times, 0.5),
        "p95_s": _percentile(times, 0.95),
        "throughput_per_s": len(times) / sum(times),
    }


def _pool_job(pair: Pair) -> None:
    compare_job(Document("s", pair.suspicious), Document("r", pair.source), OutputFormat.JSON)


def library_pool_baseline(pairs: list[Pair], seconds: float, workers: int) -> dict[str, float]:
    """The same work through a pool of ``workers`` processes kept busy (no HTTP): what
    the machine can do at best, to set the server's overhead against."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        list(pool.map(_pool_job, pairs[: workers * 2]))  # start and warm the workers
        started = time.perf_counter()
        done = 0
        while time.perf_counter() - started < seconds:
            batch = [pairs[(done + i) % len(pairs)] for i in range(workers * 8)]
            list(pool.map(_pool_job, batch))
            done += len(batch)
        elapsed = time.perf_counter() - started
    return {"requests": done, "throughput_per_s": done / elapsed}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = [int(child) for child in text.split()]
    return found + [grandchild for child in found for grandchild in _children(child)]


def _cpu_split(server_pid: int) -> dict[str, float]:
    workers = _children(server_pid)
    return {
        "client": time.process_time(),
        "server_main": _cpu_seconds(server_pid),
        "server_workers": sum(_cpu_seconds(pid) for pid in workers),
    }


def profile_library(pairs: list[Pair], count: int = 30) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for number, pair in enumerate(pairs[:count]):
        compare_job(
            Document(f"s{number}", pair.suspicious),
            Document(f"r{number}", pair.source),
            OutputFormat.JSON,
        )
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


# --- the server and the clients ---------------------------------------------------------------


def start_server(workers: int | None) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "unspin", "serve", "--port", "0", "--no-access-log"]
    if workers:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    for line in process.stderr:
        match = re.search(r"serving on (http://\S+/)", line)
        if match:
            url = match.group(1).rstrip("/")
            break
        if time.monotonic() > deadline:
            break
    else:
        process.kill()
        sys.exit(f"bench_server: the server did not start ({process.wait()})")
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    sys.exit("bench_server: the server did not answer /api/health")


class LoadResult(NamedTuple):
    latencies: list[float]
    errors: list[str]
    seconds: float


async def drive(
    url: str,
    bodies: list[bytes],
    *,
    clients: int,
    duration: float,
    timeout: float,
    max_requests: int,
) -> LoadResult:
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
        # Warm-up: one request per worker-ish, not measured.
        await asyncio.gather(
            *(client.post("/api/compare", content=bodies[i], headers=headers) for i in range(4))
        )
        started = time.perf_counter()
        deadline = started + duration

        async def one_client() -> None:
            nonlocal issued
            while time.perf_counter() < deadline and issued < max_requests:
                body = bodies[issued % len(bodies)]
                issued += 1
                begin = time.perf_counter()
                try:
                    response = await client.post("/api/compare", content=body, headers=headers)
                    ok = (
                        response.status_code == 200
                        and b'"unspin.alignment/1"' in response.content[:40]
                    )
                    if not ok:
                        errors.append(f"{response.status_code}: {response.text[:200]}")
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                if ok:
                    latencies.append(time.perf_counter() - begin)

        await asyncio.gather(*(one_client() for _ in range(clients)))
        seconds = time.perf_counter() - started
    return LoadResult(latencies, errors, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=None, help="server workers (default: cores)")
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--baseline-seconds", type=float, default=20.0)
    parser.add_argument("--profile", action="store_true", help="print a library profile")
    parser.add_argument("--data", type=Path, default=BBC_DIR)
    args = parser.parse_args()

    print(f"building {args.pairs} pairs of ~{args.words}-word documents ...", flush=True)
    pairs = build_pairs(args.data, args.pairs, args.words)
    words = [len(p.suspicious.split()) for p in pairs] + [len(p.source.split()) for p in pairs]
    bodies = [_body(pair, number) for number, pair in enumerate(pairs)]

    print(f"baseline: the library in process for {args.baseline_seconds:.0f} s ...", flush=True)
    baseline = library_baseline(pairs, args.baseline_seconds)
    profile = profile_library(pairs) if args.profile else None
    pool_workers = args.workers or os.cpu_count() or 1
    print(
        f"baseline: the library on {pool_workers} processes for {args.baseline_seconds:.0f} s ...",
        flush=True,
    )
    pool_baseline = library_pool_baseline(pairs, args.baseline_seconds, pool_workers)

    process, url = start_server(args.workers)
    try:
        health = httpx.get(url + "/api/health", timeout=10).json()
        print(
            f"load: {args.clients} clients for {args.duration:.0f} s on {url} "
            f"({health['workers']} workers) ...",
            flush=True,
        )
        load_before = os.getloadavg()[0]
        cpu_before = _cpu_split(process.pid)
        load = asyncio.run(
            drive(
                url,
                bodies,
                clients=args.clients,
                duration=args.duration,
                timeout=args.timeout,
                max_requests=args.max_requests,
            )
        )
        cpu_after = _cpu_split(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()

    completed = len(load.latencies)
    throughput = completed / load.seconds
    results: dict[str, Any] = {
        "clients": args.clients,
        "duration_s": round(load.seconds, 2),
        "workers": health["workers"],
        "cpus": os.cpu_count(),
        # Other work on the machine (1-minute load average) before and after the load.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "pairs": len(pairs),
        "words_per_document": {"min": min(words), "mean": round(statistics.fmean(words))},
        "server": {
            "requests_ok": completed,
            "errors": len(load.errors),
            "throughput_per_s": round(throughput, 2),
            "p50_s": round(_percentile(load.latencies, 0.5), 3),
            "p95_s": round(_percentile(load.latencies, 0.95), 3),
            "p99_s": round(_percentile(load.latencies, 0.99), 3),
            "max_s": round(max(load.latencies, default=float("nan")), 3),
            "mean_s": round(statistics.fmean(load.latencies), 3) if load.latencies else None,
        },
        "library_in_process": {key: round(value, 4) for key, value in baseline.items()},
        "library_process_pool": {
            "workers": pool_workers,
            **{key: round(value, 3) for key, value in pool_baseline.items()},
        },
        "server_throughput_vs_library_one_core": round(
            throughput / baseline["throughput_per_s"], 2
        ),
        "server_throughput_vs_library_pool": round(
            throughput / pool_baseline["throughput_per_s"], 2
        ),
        # CPU seconds spent during the load, per request: where the time went.
        "cpu_ms_per_request": {
            key: round((cpu_after[key] - cpu_before[key]) * 1000 / max(completed, 1), 2)
            for key in cpu_before
        },
        "first_errors": load.errors[:5],
    }
    run_dir = OUTPUT_ROOT / time.strftime("server-%Y%m%d-%H%M%S")
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if profile is not None:
        (run_dir / "profile.txt").write_text(profile, encoding="utf-8")

    server = results["server"]
    print()
    print(f"pairs {len(pairs)}, documents {results['words_per_document']['mean']} words on average")
    print(
        f"server   {server['throughput_per_s']:7.2f} req/s  p50 {server['p50_s']:.3f} s  "
        f"p95 {server['p95_s']:.3f} s  p99 {server['p99_s']:.3f} s  max {server['max_s']:.3f} s  "
        f"ok {completed}  errors {len(load.errors)}"
    )
    print(
        f"library  {baseline['throughput_per_s']:7.2f} req/s  on one core, in process "
        f"(p50 {baseline['p50_s']:.3f} s, p95 {baseline['p95_s']:.3f} s per request)"
    )
    print(
        f"library  {pool_baseline['throughput_per_s']:7.2f} req/s  on {pool_workers} processes "
        "(no HTTP)"
    )
    print(
        f"server throughput = {results['server_throughput_vs_library_one_core']:.2f} x the "
        f"library's on one core, {results['server_throughput_vs_library_pool']:.2f} x on "
        f"{pool_workers} processes"
    )
    cpu = results["cpu_ms_per_request"]
    print(f"load average before / after: {results['load_average']}")
    print(
        f"CPU per request: workers {cpu['server_workers']:.1f} ms, server main process "
        f"{cpu['server_main']:.1f} ms, clients {cpu['client']:.1f} ms"
    )
    print(f"results: {run_dir / 'results.json'}")
    if profile is not None:
        print(profile)


if __name__ == "__main__":
    main()
