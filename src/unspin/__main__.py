"""``python -m unspin``: the same as the ``unspin`` command."""

from unspin.cli import run

if __name__ == "__main__":
    run()
