"""Edition files as the portal hands them out: a manifest entry into the bytes of its file when
they have the manifest's sha256, or nothing; and a page into its thumbnail.

A file is read once, whole (edition files are at most tens of MB; `MAX_BYTES` bounds it), and
those very bytes are hashed and, when they match, served: a file replaced or rewritten on disk
meanwhile can never be sent under the old file's check. It is opened without following a FIFO's
wait (`O_NONBLOCK`) and only served when it is a plain file inside the output folder.

Thumbnails (pypdfium2, via the review sheet's `draw_thumbnail`) are drawn from the checked
bytes into the portal's own cache folder, named by the PDF's sha256, never into the edition.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import tempfile
from pathlib import Path

from infographics.edition.manifest import Entry
from infographics.edition.preview import draw_thumbnail
from infographics.fileio import OutsideFolder, inside

SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_BYTES = 256 << 20  # far above any edition file (a POI bundle is tens of MB)
LOG = logging.getLogger(__name__)


class FileCheck:
    """Reads edition files only when they still have their manifest sha256."""

    def read(self, out: Path, entry: Entry) -> bytes | None:
        """The bytes of `entry`'s file, read once and checked against its manifest sha256;
        None when it is missing, not a plain file, outside `out`, too big or no longer the
        file the manifest lists."""
        try:
            fd = os.open(inside(out, entry.path), os.O_RDONLY | os.O_NONBLOCK)
        except (OSError, OutsideFolder):
            return None
        with os.fdopen(fd, "rb") as fh:
            try:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    return None
                if st.st_size > MAX_BYTES:
                    LOG.error("portaal: %s is groter dan %d bytes; niet geserveerd", entry.path,
                              MAX_BYTES)
                    return None
                data = fh.read(MAX_BYTES + 1)
            except OSError:
                return None
        if len(data) > MAX_BYTES or hashlib.sha256(data).hexdigest() != entry.sha256:
            return None
        return data


def thumbnail(out: Path, entry: Entry, cache: Path, check: FileCheck) -> Path | None:
    """The PNG thumbnail of the page `entry` (drawn once per sha256), or None when the PDF
    cannot be served or drawn."""
    if not entry.path.endswith(".pdf") or not SHA256.fullmatch(entry.sha256):
        return None
    data = check.read(out, entry)
    if data is None:
        return None
    png = cache / f"{entry.sha256}.png"
    if png.is_file():
        return png
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
