"""The ``unspin`` console script's entry point, outside the package on purpose.

Importing anything inside ``unspin`` runs the package's ``__init__``, which loads numpy
and the alignment engine (about half a second). A Ctrl-C or SIGTERM in that time would
print a traceback or kill the process outright; here it is caught like any other
interruption: one line and exit code 130.
"""

import signal
import sys
from types import FrameType
from typing import NoReturn


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the loading as Ctrl-C does


def run() -> NoReturn:
    """Load the command line and run it (see :func:`unspin.cli.run`)."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        from unspin.cli import run as run_command
    except KeyboardInterrupt:
        sys.stderr.write("unspin: interrupted\n")
        sys.exit(130)
    run_command()
