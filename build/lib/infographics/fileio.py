"""Files that appear whole or not at all, and zips that are the same bytes for the same
content: the one implementation of each for pages, manifests, bundles, thumbnails, the review
sheet, the outbox and the failure lists.

`atomic_write` writes a temporary file in the target's folder (a unique name, so two writers
never share one), flushes it to disk and renames it over the target: a reader, or the next run
after a kill, sees the old file or the new one, never half a file.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO, Final, TextIO

__all__ = ["ZIP_DATE", "atomic_binary", "atomic_text", "atomic_write", "reproducible_zip"]

ZIP_DATE: Final = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold; the same for all


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temporary(target: Path) -> tuple[int, Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    return fd, Path(name)


def _commit(fh: IO[bytes] | IO[str], tmp: Path, target: Path) -> None:
    fh.flush()
    os.fsync(fh.fileno())
    fh.close()
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    _fsync_folder(target.parent)


@contextlib.contextmanager
def atomic_binary(target: Path) -> Iterator[BinaryIO]:
    """A binary file that replaces `target` when the block ends without an error; after an
    error (a full disk, no permission) the old file stays and no temporary file is left."""
    target = Path(target)
    fd, tmp = _temporary(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            _commit(fh, tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_text(target: Path) -> Iterator[TextIO]:
    """As `atomic_binary`, for text (UTF-8, no newline translation, as `csv` wants)."""
    target = Path(target)
    fd, tmp = _temporary(target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            _commit(fh, tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(target: Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `target`, whole or not at all."""
    with atomic_binary(target) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def reproducible_zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of `files` in the given order with fixed dates and attributes, deflated: the same
    members always give the same bytes, on any platform."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever the platform
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=6)
    return buffer.getvalue()
