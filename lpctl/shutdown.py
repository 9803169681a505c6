"""What the interpreter's teardown does that a user can see, without the teardown itself.

``lpctl``'s console script ends with ``os._exit``: freeing flytekit's and the user's modules object by
object costs about a third of a second and changes nothing on disk. Two things the teardown does do
matter, and :func:`finish` does them first:

- the ``atexit`` handlers run: a workflow module's own, coverage's (it saves its data there) and
  ``logging.shutdown``, which flushes and closes every logging handler;
- file objects still open are flushed: a module that writes to a file it never closes loses nothing.
"""

from __future__ import annotations

import atexit
import gc
import io
import itertools
import sys


def finish() -> None:
    """Run the ``atexit`` handlers, then flush every file object still open (but the standard streams,
    which the caller flushes, so that it sees a broken pipe)."""
    atexit._run_exitfuncs()
    flush_open_files()


def flush_open_files() -> None:
    """Flush the buffered and text file objects still open, as their finalizers would at teardown."""
    standard = {id(sys.stdout), id(sys.stderr), id(sys.__stdout__), id(sys.__stderr__)}
    objects = gc.get_objects()
    # by type, not isinstance(): that asks obj.__class__, which a lazy module proxy can refuse; the
    # few hundred types are tested once each and the objects picked in C (the heap holds ~60k objects)
    kinds = {kind for kind in set(map(type, objects)) if issubclass(kind, (io.BufferedIOBase, io.TextIOBase))}
    for obj in itertools.compress(objects, map(kinds.__contains__, map(type, objects))):
        if id(obj) not in standard:
            _flush(obj)


def _flush(stream: io.IOBase) -> None:
    try:
        if not stream.closed:
            stream.flush()
    except Exception:  # a detached, half-built or broken stream: its data was lost before lpctl ended
        return
