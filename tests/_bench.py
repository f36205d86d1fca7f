"""Loading a module of bench/ (not a package) in tests, by its file name."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"


def load_bench_module(file_name: str, module_name: str) -> ModuleType:
    """``bench/<file_name>`` imported as ``module_name`` (registered in ``sys.modules``,
    where dataclasses and NamedTuples look their module up)."""
    spec = importlib.util.spec_from_file_location(module_name, BENCH_DIR / file_name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
