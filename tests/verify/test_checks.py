"""verify's entry points: real pages from the sample pass every check, as bytes or as a file;
a file that is no PDF, a damaged one or one of two pages is reported, not a crash; a folder's
manifest hashes are checked."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pikepdf
from handmade import checks, paragraph, tagged_pdf

from infographics.edition.build import build_edition, render_page
from infographics.verify import verify_folder, verify_pdf

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_sample_pages_pass_every_check(pages):
    for pdf, numbers in pages:
        assert numbers, "the page shows figures"
        assert verify_pdf(pdf, numbers) == []


def test_every_page_kind_passes(ctx, one_of_each_kind):
    for job in one_of_each_kind:
        pdf, numbers = render_page(ctx, job)
        assert verify_pdf(pdf, numbers) == [], job.path


def test_a_good_page_passes_from_a_file(tmp_path, pages):
    path = tmp_path / "page.pdf"
    path.write_bytes(pages[0][0])
    assert verify_pdf(path) == []


def test_two_pages():
    findings = verify_pdf(tagged_pdf(paragraph, pages=2))
    assert "one-page" in checks(findings)
    assert any("2 pagina's" in f.message for f in findings)


def test_not_a_pdf_or_a_damaged_one(pages):
    assert checks(verify_pdf(b"geen pdf")) == {"pdf"}
    good = pages[0][0]
    assert verify_pdf(good[: len(good) // 2])  # named problems, not an exception


def test_a_value_of_the_wrong_type_is_a_finding_not_a_crash(pages):
    """A number where the ParentTree needs an array: the page cannot be checked, and says so."""
    with pikepdf.open(io.BytesIO(pages[0][0])) as doc:
        doc.Root.StructTreeRoot.ParentTree.Nums = 5
        buf = io.BytesIO()
        doc.save(buf)
    findings = verify_pdf(buf.getvalue())
    assert checks(findings) == {"pdf"}
    assert findings[0].message.startswith("niet te controleren: TypeError")


# --- a folder ---------------------------------------------------------------------------------


def test_folder_checks_manifest_hashes(tmp_path, ctx, page_jobs):
    result = build_edition(page_jobs[1:], SAMPLE, tmp_path, ctx=ctx)
    assert not result.failed
    assert verify_folder(tmp_path) == {job.path: [] for job in page_jobs[1:]}

    damaged = tmp_path / page_jobs[1].path
    damaged.write_bytes(damaged.read_bytes().replace(b"/Title (", b"/Title ( "))
    with (tmp_path / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows.append({**rows[0], "path": "po/lokaal/weg.pdf"})
    with (tmp_path / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    found = verify_folder(tmp_path)
    assert checks(found[page_jobs[1].path]) == {"manifest-sha256"}
    assert found[page_jobs[2].path] == []
    assert checks(found["po/lokaal/weg.pdf"]) == {"manifest-missing"}


def test_folder_without_manifest(tmp_path):
    assert checks(verify_folder(tmp_path)["manifest.csv"]) == {"manifest"}


def test_a_print_pdf_given_on_its_own_is_checked_as_a_print_pdf(tmp_path):
    """Several pages: the document's tagging, not the one-page rules (which would call it
    wrong for having 5 pages and 5 headers in the same place)."""
    from pypdf import PdfWriter

    from infographics.verify import verify_file

    page = tmp_path / "pagina.pdf"
    page.write_bytes(tagged_pdf(lambda c: None))
    assert verify_file(page) == verify_pdf(page)
    writer = PdfWriter()
    for _ in range(2):
        writer.append(str(page))
    several = tmp_path / "afdruk.pdf"
    with several.open("wb") as fh:
        writer.write(fh)
    assert not any(f.check == "one-page" for f in verify_file(several))
