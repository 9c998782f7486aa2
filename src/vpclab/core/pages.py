"""Large numpy arrays on ordinary pages while the all-pairs matrices are made.

numpy asks the kernel for transparent huge pages for every array of 4 MiB or more
(``madvise(MADV_HUGEPAGE)``); where the kernel's THP defrag setting is "madvise" (Debian's
default) a first touch of such an array may stop to compact memory for a 2 MiB page. The
matrices' row blocks are fresh arrays of tens of MiB, each touched once: at 4× AWS-MAX the rows
of the result were written at ≈ 0.5 GB/s with huge pages and ≈ 1.4 GB/s without (2026-12-07,
docs/benchmarks.md). numpy's switch for it is private (``_set_madvise_hugepage``, or the
``NUMPY_MADVISE_HUGEPAGE`` variable read at import); where it is missing nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from numpy._core import multiarray

#: numpy's switch (None in a numpy without it: its default stays)
_set_madvise_hugepage = getattr(multiarray, "_set_madvise_hugepage", None)


@contextmanager
def small_pages() -> Iterator[None]:
    """numpy's huge-page advice off for the block (as it was before, after it; nestable)."""
    if _set_madvise_hugepage is None:
        yield
        return
    was = _set_madvise_hugepage(False)
    try:
        yield
    finally:
        _set_madvise_hugepage(was)
