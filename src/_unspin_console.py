"""The ``unspin`` console script's entry point, outside the package on purpose.

Importing anything inside ``unspin`` runs the package's ``__init__``, which loads numpy
and the alignment engine (about half a second). A Ctrl-C in that time would print a
traceback; here it is caught like any other interruption: one line and exit code 130.
"""

import sys
from typing import NoReturn


def run() -> NoReturn:
    """Load the command line and run it (see :func:`unspin.cli.run`)."""
    try:
        from unspin.cli import run as run_command
    except KeyboardInterrupt:
        sys.stderr.write("unspin: interrupted\n")
        sys.exit(130)
    run_command()
