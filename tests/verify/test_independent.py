"""An independent validator accepts every kind of page and the print PDF (issue 17).

`page` (PyPI page-validation, a PDF/A and PDF/UA checker tested against the veraPDF corpus)
runs its PDF/UA-1 and PDF/A-2a profiles on a real page of each kind of the sample (PO, VO and
partners national, provincial and local, a VO school page, the plain VO page of a library without
cooperation) and on a merged print PDF; any failure fails the test with its rule ids and
messages. The validator is called directly here, not through our wrapper, so a mistake in
`verify.independent` cannot hide one; the wrapper (`verify --strict`) is tested below.
"""

from __future__ import annotations

import io

import page as validator
import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from infographics.cli import main
from infographics.edition.build import render
from infographics.edition.printpdf import PrintSection, print_pdf
from infographics.errors import InfographicsError
from infographics.verify import independent, validate_independently, verify_pdf

PROFILES = ("ua1", "2a")


def failures(data: bytes) -> list[str]:
    """Every failure of both profiles, as `profile rule-id: message`."""
    found = []
    for profile in PROFILES:
        report = validator.validate_pdf_bytes(data, profile=profile)
        assert report.rules.total > 100  # the profile really ran its rules
        found += [f"{profile} {f.rule_id}: {f.message}" for f in report.failures]
        assert report.is_compliant == (not report.failures)
    return found


KINDS = ["po-national", "po-province", "po-library", "vo-national", "vo-province",
         "vo-library", "vo-school", "partners-national", "partners-province", "partners-library",
         "vo-library-zonder-samenwerking"]


@pytest.fixture(scope="module")
def kinds(ctx, one_of_each_kind) -> dict[str, bytes]:
    """A real page of every kind, by kind (the last: the plain VO page of a library without
    cooperation)."""
    *chosen, plain = one_of_each_kind
    named = {f"{j.subject}-{j.level}": j for j in chosen}
    named["vo-library-zonder-samenwerking"] = plain
    assert sorted(named) == sorted(KINDS)
    return {kind: render(ctx, named[kind]) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_page_is_pdfua1_and_pdfa2a(kinds, kind):
    found = failures(kinds[kind])
    assert not found, f"{kind}:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def print_file(ctx, po_jobs):
    sections = [PrintSection("Utrecht", f"Bibliotheek {i}", render(ctx, po_jobs[lib]))
                for i, lib in enumerate(["bib-0002", "bib-0009", "bib-0013"])]
    sections.append(PrintSection("", "Zonder provincie", render(ctx, po_jobs["bib-0018"])))
    data, pages = print_pdf("POI Test", "2020-2021", sections)
    assert pages == 4
    return data


def test_the_print_pdf_is_pdfua1_and_pdfa2a(print_file):
    found = failures(print_file)
    assert not found, "print PDF:\n" + "\n".join(found)


def test_a_broken_file_fails_both_profiles_so_these_tests_can_fail():
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1)
    c.drawString(40, 40, "Geen tags, geen metadata, Helvetica niet ingebed")
    c.showPage()
    c.save()
    found = failures(buf.getvalue())
    assert any(f.startswith("ua1 PDFUA1-TAGGED-DOCUMENT") for f in found)
    assert any(f.startswith("2a ") for f in found)


# --- the wrapper: verify --strict -----------------------------------------------------------


def old_style(data: bytes) -> bytes:
    """A page as it was before issue 17 in one respect that our own verifier does not see: a
    ToUnicode map that also maps the unused code 0 to U+0000."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        cmap = font.ToUnicode.read_bytes()
        font.ToUnicode.write(cmap.replace(b"endcmap", b"1 beginbfchar\n<00> <0000>\n"
                                                      b"endbfchar\nendcmap"))
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def test_strict_verification_adds_the_independent_findings(kinds, tmp_path):
    good = next(iter(kinds.values()))
    assert verify_pdf(good, strict=True) == []
    assert validate_independently(good) == []
    bad = old_style(good)
    assert verify_pdf(bad) == []  # our own verifier looks only at the codes shown
    findings = verify_pdf(bad, strict=True)
    checks = {f.check for f in findings}
    assert "PDF/UA-1 PDFUA1-FONT-UNICODE-VALUE-001" in checks
    assert "PDF/A-2a PDFA2A-UNICODE-VALUE-001" in checks
    assert all(f.message.startswith("onafhankelijke validator: ") for f in findings)
    assert len(checks) == len(findings)  # one finding per rule


def test_cli_verify_strict_names_the_rules(kinds, tmp_path, capsys):
    good, bad = tmp_path / "goed.pdf", tmp_path / "oud.pdf"
    good.write_bytes(next(iter(kinds.values())))
    bad.write_bytes(old_style(good.read_bytes()))
    assert main(["verify", str(good), str(bad)]) == 0
    capsys.readouterr()
    assert main(["verify", "--strict", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}: PDF/UA-1 PDFUA1-FONT-UNICODE-VALUE-001: onafhankelijke validator:" in out
    assert str(good) + ":" not in out
    assert "2 PDF's gecontroleerd: 1 in orde, 1 met problemen" in out


def test_strict_without_the_validator_says_how_to_install_it(kinds, tmp_path, monkeypatch,
                                                            capsys):
    monkeypatch.setattr(independent, "validator", None)
    with pytest.raises(InfographicsError, match="page-validation"):
        validate_independently(b"%PDF-1.4")
    path = tmp_path / "p.pdf"
    path.write_bytes(next(iter(kinds.values())))
    assert main(["verify", "--strict", str(path)]) == 2
    assert "pip install 'bibliotheekmonitor-infographics[strict]'" in capsys.readouterr().err
