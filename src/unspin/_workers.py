"""Worker processes of the batch jobs: the parent decides when they stop (private)."""

from __future__ import annotations

import os
import signal
import threading
import time

__all__ = ["prepare_worker"]


def prepare_worker(parent: int, *, interval: float = 0.5) -> None:
    """Set up a worker process of a pool (its initializer calls this with ``parent``, the
    pid of the process that made the pool: read in the child, it could already be that
    of init).

    The terminal's Ctrl-C reaches every process of the group: a worker ignores it, and
    the parent stops the pool (a worker killed mid-task would leave half-written files
    behind). SIGTERM gets its default action back, in case the parent handled it. And a
    parent killed with SIGKILL cannot stop its pool, whose workers would go on working for
    nothing, holding the files and locks they inherited (a resumed ``unspin check`` would
    find its report still locked), so a daemon thread ends the worker within ``interval``
    seconds of its parent's death.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)  # nothing to clean up: the parent owned every file

    threading.Thread(target=watch, name="unspin-parent-watch", daemon=True).start()
