"""fonts: a Type 3 font and a font that is not embedded (and has no ToUnicode) are reported
by name."""

from __future__ import annotations

import io

import matplotlib
from handmade import checks, plain_pdf
from matplotlib.figure import Figure

from infographics.verify import verify_pdf


def test_type3_font():
    fig = Figure(figsize=(2, 1))
    fig.text(0.5, 0.5, "78%")
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 3}):
        fig.savefig(buf, format="pdf")
    findings = verify_pdf(buf.getvalue())
    assert "no-type3" in checks(findings)
    assert any("Type 3" in f.message for f in findings if f.check == "no-type3")
    assert {"tagged", "a4", "lang"} <= checks(findings)


def test_unembedded_font():
    findings = verify_pdf(plain_pdf("Helvetica"))
    embedded = [f for f in findings if f.check == "fonts-embedded"]
    assert embedded
    assert "Helvetica" in embedded[0].message
    assert "tounicode" in checks(findings)
