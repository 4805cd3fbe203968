"""Edition files as the portal hands them out: a manifest entry into an open file whose bytes
have the manifest's sha256, or nothing; and a page into its thumbnail.

A file is opened first and then checked through the open handle (fstat, and sha256 of what it
reads), so what is served is what was checked, even if the file is replaced meanwhile. The hash
of a file is remembered by (device, inode, size, mtime, ctime): any write or replacement
changes that key, and the ctime cannot be set back, so the file is hashed again after any
change and each unchanged file only once.

Thumbnails (pypdfium2, via the review sheet's `draw_thumbnail`) are drawn from the checked
bytes into the portal's own cache folder, named by the PDF's sha256, never into the edition.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO

from infographics.edition.manifest import Entry
from infographics.edition.preview import draw_thumbnail
from infographics.fileio import OutsideFolder, inside

SHA256 = re.compile(r"[0-9a-f]{64}")
FileKey = tuple[int, int, int, int, int]
CHUNK = 1 << 20


class FileCheck:
    """Opens edition files only when they still have their manifest sha256."""

    def __init__(self) -> None:
        self._known: dict[FileKey, str] = {}
        self._lock = threading.Lock()

    def open(self, out: Path, entry: Entry) -> BinaryIO | None:
        """`entry`'s file, open at its start, or None when it is missing, not a plain file,
        outside `out` or no longer the file the manifest lists."""
        try:
            path = inside(out, entry.path)
            fh = path.open("rb")
        except (OSError, OutsideFolder):
            return None
        try:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or self._sha256(fh, st) != entry.sha256:
                fh.close()
                return None
            fh.seek(0)
        except OSError:
            fh.close()
            return None
        return fh

    def _sha256(self, fh: BinaryIO, st: os.stat_result) -> str:
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        digest = hashlib.sha256()
        while block := fh.read(CHUNK):
            digest.update(block)
        sha = digest.hexdigest()
        with self._lock:
            if len(self._known) > 100_000:  # a bound, far above any edition
                self._known.clear()
            self._known[key] = sha
        return sha


def thumbnail(out: Path, entry: Entry, cache: Path, check: FileCheck) -> Path | None:
    """The PNG thumbnail of the page `entry` (drawn once per sha256), or None when the PDF
    cannot be served or drawn."""
    if not entry.path.endswith(".pdf") or not SHA256.fullmatch(entry.sha256):
        return None
    fh = check.open(out, entry)
    if fh is None:
        return None
    png = cache / f"{entry.sha256}.png"
    with fh:
        if png.is_file():
            return png
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        return None  # changed between the check and this read
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".pagina-", suffix=".pdf", dir=cache)
    try:
        with os.fdopen(fd, "wb") as tmp_fh:
            tmp_fh.write(data)
        draw_thumbnail(Path(tmp), png)
    except Exception:  # noqa: BLE001 - a PDF pdfium cannot draw gets no thumbnail, not a 500
        return None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return png
