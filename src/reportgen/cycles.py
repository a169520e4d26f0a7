"""Python's cycle collector paused while a report's large object graphs are built."""

# Laying out a report makes hundreds of thousands of objects that live until
# the PDF is written (boxes, styles, lines, PDF objects: about 1.2 million
# allocations for 2,500 participants).  The cycle collector walks the older
# ones again each time enough new ones have been made: a third of the CPU
# time of that report went to it, and it found next to nothing to free (the
# peak memory is the same within 3 %).  Paused for the length of the work,
# it runs again afterwards as usual; objects that became garbage meanwhile
# are freed then.
#
# Several threads may render at once (pipeline.generate from a thread pool):
# the collector is paused while any of them is inside, and resumed by the
# last one to leave, only if it was enabled before the first one came in.

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_inside = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without cyclic garbage collection (reference counting still frees)."""
    global _inside, _was_enabled
    with _LOCK:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _LOCK:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                gc.enable()
