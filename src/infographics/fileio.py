"""Files that appear whole or not at all, zips that are the same bytes for the same content,
and file names made from data that can never leave their folder: the one implementation of each
for pages, manifests, bundles, thumbnails, the review sheet, the outbox and the failure lists.

`atomic_write` writes a temporary file in the target's folder (a unique name, so two writers
never share one), flushes it to disk and renames it over the target: a reader, or the next run
after a kill, sees the old file or the new one, never half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO, Final, TextIO

__all__ = ["SLUG_MAX", "ZIP_DATE", "OutsideFolder", "atomic_binary", "atomic_text",
           "atomic_write", "fsync_folder", "inside", "reproducible_zip", "slug"]

ZIP_DATE: Final = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold; the same for all
SLUG_MAX: Final = 80  # characters of a name in a file name; far below any file system's limit


class OutsideFolder(ValueError):
    """A path made from data would lie outside the folder it belongs to."""


def slug(text: str, limit: int = SLUG_MAX) -> str:
    """The one way data becomes part of a file name: 'Bibliotheek Fryslân-Zuid' ->
    'bibliotheek-fryslan-zuid'. Only a-z, 0-9 and single hyphens, never empty, at most `limit`
    characters (cut at a word boundary); a text with nothing to keep (only punctuation or
    non-Latin letters) becomes 'x-' and a short hash of it, so it stays unique."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(name) > limit:
        name = name[:limit].rsplit("-", 1)[0] if "-" in name[:limit] else name[:limit]
    return name or "x-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def inside(folder: Path, relative: str | Path) -> Path:
    """`folder / relative`, refused with `OutsideFolder` when it resolves (links followed)
    outside `folder`: the second line of defence behind names made by `slug`."""
    root = Path(folder).resolve()
    target = (root / relative).resolve()
    if target != root and not target.is_relative_to(root):
        raise OutsideFolder(f"{relative}: pad buiten de map {folder}")
    return Path(folder) / relative


def fsync_folder(folder: Path) -> None:
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
    fsync_folder(target.parent)


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
