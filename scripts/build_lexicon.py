"""Build unspin's packaged lexicon from a local copy of WordNet 3.0.

Run once by a developer, whenever the lexicon format changes::

    python scripts/build_lexicon.py [--wordnet-dir /usr/share/wordnet]

It reads WordNet's ``index.*`` files (lemma -> synsets, in sense order), its
morphological exception lists (``*.exc``) and, from its ``data.*`` files, which adjective
cluster each satellite synset belongs to and each noun's and verb's direct hypernyms, and
writes:

* ``src/unspin/data/lexicon.tsv.gz``: the table that :mod:`unspin.text._lexicon` loads;
* ``src/unspin/data/WORDNET-LICENSE.txt``: the WordNet licence, which must ship with it;
* ``src/unspin/data/forms.bin.gz``: the surface-form table (:mod:`unspin.text._forms`),
  what :class:`~unspin.text.Lexicon` answers about every word form it knows, asked once
  here so that analysis does not redo the morphology in every process.

The form table depends on the lexicon table *and* on the code of
``src/unspin/text/_lexicon.py``; after changing that code, rebuild it alone (no WordNet
needed) with::

    python scripts/build_lexicon.py --forms-only

The output is deterministic (sorted rows, gzip header with mtime 0), so rebuilding
from the same WordNet gives byte-identical files.

File format (UTF-8 text, one record per line, fields separated by TAB)::

    unspin-lexicon<TAB>2<TAB><source>     magic line: name, format version, source
    @lemmas<TAB><count>                   then <count> rows:
    <lemma><TAB><pos letters><TAB><ids>
    @exceptions<TAB><count>               then <count> rows:
    <pos letter><TAB><inflected form><TAB><base>[|<base>...]
    @links<TAB><count>                    then <count> rows:
    <child synset id><TAB><parent synset id>[,<parent synset id>...]
    @end

``<pos letters>`` is the lemma's POS set, a subset of ``nvar`` (noun, verb,
adjective, adverb) in that order. ``<ids>`` holds one group of synset ids per
letter, groups separated by ``;`` and ids within a group by ``,``, in WordNet's
sense order (most frequent sense first). Synset ids are dense integers 0..N-1,
numbered by (POS, WordNet byte offset). Multiword lemmas use spaces.

``@links`` hangs each synset under its parents: an adjective *satellite* under the head
of its cluster (WordNet's "similar to": "initial" and "first", "huge" and "large" share no
synset, but sit in one cluster), a noun or verb under its direct hypernyms ("evangelist"
under "preacher", "double" under "multiply"). Spinners swap words along both.
"""

from __future__ import annotations

import argparse
import gzip
import io
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The form table is computed by, and fingerprinted with, this checkout's code.
sys.path.insert(0, str(REPO_ROOT / "src"))
DEFAULT_WORDNET_DIR = Path("/usr/share/wordnet")
DEFAULT_LICENSE_FILE = Path("/usr/share/doc/wordnet-base/copyright")
DEFAULT_OUTPUT_DIR = REPO_ROOT / "src" / "unspin" / "data"

FORMAT_NAME = "unspin-lexicon"
FORMAT_VERSION = "2"

# WordNet file suffix -> the one-letter POS tag used in the table, in table order.
POS_FILES: dict[str, str] = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}

# Longer multiword lemmas ("united states government accountability office") are
# never produced by a spinner's word swap and only bloat the table.
MAX_WORDS_PER_LEMMA = 3


def _clean_lemma(raw: str) -> str:
    """WordNet writes multiword lemmas with underscores; the table uses spaces."""
    return raw.replace("_", " ").lower()


def read_index(path: Path) -> dict[str, list[int]]:
    """Read one ``index.<pos>`` file: lemma -> synset byte offsets in sense order.

    Line layout: ``lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt
    tagsense_cnt synset_offset...``; licence lines start with a space.
    """
    senses: dict[str, list[int]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(" "):
                continue
            fields = line.split()
            synset_count = int(fields[2])
            pointer_count = int(fields[3])
            # The offsets are the last synset_count fields; checking the layout
            # catches a truncated or foreign file early.
            offsets = fields[-synset_count:]
            if len(fields) != 6 + pointer_count + synset_count:
                raise ValueError(f"{path}: unexpected line layout: {line.strip()!r}")
            senses[_clean_lemma(fields[0])] = [int(offset) for offset in offsets]
    return senses


def read_exceptions(path: Path) -> dict[str, list[str]]:
    """Read one ``<pos>.exc`` file: inflected form -> its base forms."""
    exceptions: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.split()
            if len(fields) < 2:
                continue
            inflected = _clean_lemma(fields[0])
            bases = exceptions.setdefault(inflected, [])
            for base in fields[1:]:
                base = _clean_lemma(base)
                if base not in bases:
                    bases.append(base)
    return exceptions


def read_parents(path: Path, pos: str) -> dict[int, list[int]]:
    """Read ``data.<pos>``: synset offset -> the offsets of the synsets it hangs under.

    An adjective satellite (``ss_type`` ``s``) hangs under the head of its cluster
    (pointer ``&``, "similar to"), a noun or verb synset under its direct hypernyms
    (pointer ``@``; instance hypernyms, ``@i``, are left out: "Paris" is no synonym of
    "national capital"). Line layout: ``offset lex_filenum ss_type w_cnt word lex_id
    ... p_cnt [pointer_symbol offset pos source/target]... | gloss``; licence lines
    start with a space.
    """
    letter = POS_FILES[pos]
    symbol = "&" if letter == "a" else "@"
    parents: dict[int, list[int]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(" "):
                continue
            fields = line.partition(" | ")[0].split()
            if letter == "a" and fields[2] != "s":
                continue
            pointers_at = 4 + 2 * int(fields[3], 16)
            pointer_count = int(fields[pointers_at])
            pointers = fields[pointers_at + 1 : pointers_at + 1 + 4 * pointer_count]
            if len(pointers) != 4 * pointer_count:
                raise ValueError(f"{path}: unexpected line layout: {line.strip()!r}")
            found = [
                int(pointers[at + 1])
                for at in range(0, len(pointers), 4)
                if pointers[at] == symbol and pointers[at + 2] in (letter, "s")
            ]
            if found:
                parents[int(fields[0])] = found
    return parents


def build_table(wordnet_dir: Path) -> str:
    """Return the whole lexicon file as text (see the module docstring)."""
    index_by_pos = {
        letter: read_index(wordnet_dir / f"index.{name}") for name, letter in POS_FILES.items()
    }

    # Dense synset ids, numbered by (POS, offset) so that the numbering does not
    # depend on which lemmas are kept.
    all_synsets = sorted(
        {
            (pos_order, offset)
            for pos_order, letter in enumerate(POS_FILES.values())
            for offsets in index_by_pos[letter].values()
            for offset in offsets
        }
    )
    synset_id = {key: number for number, key in enumerate(all_synsets)}

    lemma_rows: list[str] = []
    all_lemmas = sorted({lemma for index in index_by_pos.values() for lemma in index})
    for lemma in all_lemmas:
        if len(lemma.split(" ")) > MAX_WORDS_PER_LEMMA:
            continue
        if "\t" in lemma or "\n" in lemma:
            raise ValueError(f"lemma {lemma!r} contains a field separator")
        letters: list[str] = []
        groups: list[str] = []
        for pos_order, letter in enumerate(POS_FILES.values()):
            offsets = index_by_pos[letter].get(lemma)
            if offsets:
                letters.append(letter)
                groups.append(",".join(str(synset_id[pos_order, o]) for o in offsets))
        lemma_rows.append(f"{lemma}\t{''.join(letters)}\t{';'.join(groups)}")

    exception_rows: list[str] = []
    for name, letter in POS_FILES.items():
        exceptions = read_exceptions(wordnet_dir / f"{name}.exc")
        for inflected in sorted(exceptions):
            exception_rows.append(f"{letter}\t{inflected}\t{'|'.join(exceptions[inflected])}")

    link_rows: list[tuple[int, str]] = []
    for pos_order, (name, letter) in enumerate(POS_FILES.items()):
        if letter == "r":  # adverbs have neither clusters nor hypernyms
            continue
        for child, parents in read_parents(wordnet_dir / f"data.{name}", name).items():
            if (pos_order, child) not in synset_id:
                continue
            ids = [str(synset_id[pos_order, parent]) for parent in parents]
            link_rows.append((synset_id[pos_order, child], ",".join(ids)))
    link_rows.sort()

    lines = [
        f"{FORMAT_NAME}\t{FORMAT_VERSION}\tWordNet 3.0 (see WORDNET-LICENSE.txt)",
        f"@lemmas\t{len(lemma_rows)}",
        *lemma_rows,
        f"@exceptions\t{len(exception_rows)}",
        *exception_rows,
        f"@links\t{len(link_rows)}",
        *(f"{child}\t{parents}" for child, parents in link_rows),
        "@end",
    ]
    return "\n".join(lines) + "\n"


def write_gzip_deterministic(text: str, path: Path) -> None:
    """Gzip ``text`` with a fixed header (no file name, mtime 0) for reproducible output."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buffer, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def write_form_table(lexicon_path: Path, output_path: Path) -> int:
    """Build the surface-form table from the lexicon table at ``lexicon_path``."""
    from unspin.text._forms import build_form_table, lexicon_fingerprint
    from unspin.text._lexicon import Lexicon, _parse_table

    data = lexicon_path.read_bytes()
    lexicon = Lexicon._over(_parse_table(data, source=str(lexicon_path)))
    table = build_form_table(lexicon, fingerprint=lexicon_fingerprint(data))
    output_path.write_bytes(table)
    print(f"wrote {output_path} ({len(table) / 1_000_000:.2f} MB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--wordnet-dir",
        type=Path,
        default=DEFAULT_WORDNET_DIR,
        help="directory holding WordNet's index.*, *.exc and data.* files (default: %(default)s)",
    )
    parser.add_argument(
        "--license-file",
        type=Path,
        default=DEFAULT_LICENSE_FILE,
        help="WordNet licence to ship next to the data (default: %(default)s)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help="where to write lexicon.tsv.gz and WORDNET-LICENSE.txt (default: %(default)s)",
    )
    parser.add_argument(
        "--forms-only",
        action="store_true",
        help="only rebuild forms.bin.gz from the lexicon.tsv.gz already in --output-dir",
    )
    args = parser.parse_args(argv)

    table_path = args.output_dir / "lexicon.tsv.gz"
    forms_path = args.output_dir / "forms.bin.gz"
    if args.forms_only:
        if not table_path.is_file():
            print(f"error: {table_path} not found; build it first", file=sys.stderr)
            return 1
        return write_form_table(table_path, forms_path)

    missing = [
        path
        for path in (
            *(args.wordnet_dir / f"index.{name}" for name in POS_FILES),
            *(args.wordnet_dir / f"{name}.exc" for name in POS_FILES),
            *(args.wordnet_dir / f"data.{name}" for name in POS_FILES if name != "adv"),
            args.license_file,
        )
        if not path.is_file()
    ]
    if missing:
        names = ", ".join(str(path) for path in missing)
        print(f"error: WordNet files not found: {names}", file=sys.stderr)
        print("hint: install Debian's wordnet-base or pass --wordnet-dir", file=sys.stderr)
        return 1

    text = build_table(args.wordnet_dir)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    write_gzip_deterministic(text, table_path)
    shutil.copyfile(args.license_file, args.output_dir / "WORDNET-LICENSE.txt")

    size_mb = table_path.stat().st_size / 1_000_000
    print(f"wrote {table_path} ({size_mb:.2f} MB, {text.count(chr(10))} lines)")
    return write_form_table(table_path, forms_path)


if __name__ == "__main__":
    sys.exit(main())
