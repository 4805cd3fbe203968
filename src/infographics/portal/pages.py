"""The pages of the portal: the overview (`/`), a file (`/bestand/<id>`, `?download=1` to save
it), a thumbnail (`/miniatuur/<id>.png`) and the audit log for staff (`/audit`, `/audit.csv`).

A file id is looked up in the catalog and the viewer's right to it checked before anything is
opened. An unknown id and a file the viewer may not have are refused the same way, with the
same work: one audited refusal within the client's refusal budget (429 beyond it, unaudited),
and the same 404, so a refusal never says whether a file exists. A file that is missing or no
longer has its manifest sha256 is not served (503, for those who may have it). A HEAD request
gets the headers but is not logged as a view.
"""

from __future__ import annotations

import io
import re
from datetime import date

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask.typing import ResponseReturnValue

from infographics.edition.manifest import Entry
from infographics.portal.access import may_see, visible
from infographics.portal.catalog import ID_LENGTH
from infographics.portal.csvout import csv_text
from infographics.portal.files import thumbnail
from infographics.portal.overview import sections
from infographics.portal.state import audit, catalog, portal, refuse, viewer
from infographics.portal.store import AUDIT_COLUMNS

bp = Blueprint("pages", __name__)
AUDIT_ROWS = 500  # rows on the audit page; the CSV has all
FILE_ID = re.compile(f"[0-9a-f]{{{ID_LENGTH}}}")


@bp.get("/")
def overview() -> ResponseReturnValue:
    cat = catalog()
    entries = visible(viewer(), cat.files.values(), cat.entitlements)
    return render_template("overzicht.html", sections=sections(entries, cat.entitlements))


def _entry(file_id: str) -> Entry:
    """The catalog entry `file_id`, when the viewer may have it; otherwise a refused 404 (the
    same, with the same work, for a file that does not exist)."""
    cat = catalog()
    entry = cat.files.get(file_id)
    if entry is None or not may_see(viewer(), entry, cat.entitlements):
        shown = file_id if FILE_ID.fullmatch(file_id) else "(geen geldige id)"
        refuse(404, file=entry.path if entry is not None else "",
               detail=f"bestand {shown}: bestaat niet of geen recht")
    return entry


@bp.get("/bestand/<file_id>")
def file(file_id: str) -> ResponseReturnValue:
    entry = _entry(file_id)
    data = portal().check.read(catalog().out, entry)
    if data is None:
        refuse(503, file=entry.path, detail="ontbreekt of sha256 wijkt af")
    download = request.args.get("download") == "1"
    pdf = entry.path.endswith(".pdf")
    audit("gedownload" if download else "bekeken", file=entry.path)
    response: Response = send_file(
        io.BytesIO(data), mimetype="application/pdf" if pdf else "application/zip",
        as_attachment=download or not pdf, download_name=entry.path.rsplit("/", 1)[-1],
        conditional=False, etag=False, max_age=0)
    response.content_length = len(data)  # the checked bytes, and only those, are sent
    return response


@bp.get("/miniatuur/<file_id>.png")
def thumb(file_id: str) -> ResponseReturnValue:
    entry = _entry(file_id)
    png = thumbnail(catalog().out, entry, portal().settings.thumbnails, portal().check)
    if png is None:
        abort(404)
    response: Response = send_file(png, mimetype="image/png", conditional=False, etag=False,
                                   max_age=0)
    return response


def _since() -> str:
    """The `sinds` parameter as an ISO date, or "" (everything); anything else is a 400."""
    text = request.args.get("sinds", "").strip()
    if not text:
        return ""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        abort(400)


def _staff_only() -> None:
    if not viewer().staff:
        abort(404)


@bp.get("/audit")
def audit_page() -> ResponseReturnValue:
    _staff_only()
    since = _since()
    rows = portal().store.audit(since, limit=AUDIT_ROWS + 1)
    return render_template("audit.html", rows=rows[:AUDIT_ROWS], more=len(rows) > AUDIT_ROWS,
                           since=since)


@bp.get("/audit.csv")
def audit_csv() -> ResponseReturnValue:
    _staff_only()
    since = _since()
    rows = portal().store.audit(since)
    audit("audit", detail=f"export sinds {since or 'begin'}")
    return csv_download(csv_text(AUDIT_COLUMNS, ([getattr(r, c) for c in AUDIT_COLUMNS]
                                                 for r in rows)), "portaal-audit.csv")


def csv_download(text: str, name: str) -> Response:
    """`text` as a CSV file to save as `name` (a fixed, plain name)."""
    return Response(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
