"""The output folder's lock: one build at a time per folder, held with an exclusive `flock` on
`.bouwslot` for as long as the build runs (the system releases it when the process ends, also
after a kill).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from infographics.errors import InfographicsError

LOCK_NAME = ".bouwslot"


@contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """Hold the output folder for one build: a second build into it at the same time would
    mix its manifest and temporary files with this one's. Raises InfographicsError."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / LOCK_NAME).open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InfographicsError(f"in {out} wordt al gebouwd (een andere build loopt nog); "
                                    "wacht tot die klaar is") from None
        yield
