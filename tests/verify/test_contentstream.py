"""contentstream: the plain tokenizer reads a real page's content stream as pypdf does, and
what the fast parser leaves alone (nested parentheses, an inline image) goes to qpdf, which
gives the same pairs."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from infographics.verify.contentstream import Unparsed, operations, tokenize


def test_tokenizer_reads_what_pypdf_reads(pages):
    def norm(x):
        if isinstance(x, list):
            return [norm(i) for i in x]
        if isinstance(x, dict):
            return {str(k): norm(v) for k, v in x.items()}
        if isinstance(x, int | float) and not isinstance(x, bool):
            return round(float(x), 6)
        if hasattr(x, "get_original_bytes"):
            return x.get_original_bytes()
        return bytes(x) if isinstance(x, bytes) else str(x)

    page = PdfReader(io.BytesIO(pages[1][0])).pages[0]
    ours = tokenize(page.get_contents().get_data())
    theirs = page.get_contents().operations
    assert [(norm(o), op) for o, op in ours] == [(norm(o), bytes(op)) for o, op in theirs]


def test_unusual_streams_fall_back_to_qpdf():
    data = b"/P <</MCID 0>> BDC BT /F1 9 Tf 10 10 Td (a (nested) string) Tj ET EMC"
    with pytest.raises(Unparsed):
        tokenize(data)
    ops = operations(data)
    assert [op for _, op in ops] == [b"BDC", b"BT", b"Tf", b"Td", b"Tj", b"ET", b"EMC"]
    assert ops[0][0] == ["/P", {"/MCID": 0.0}]
    assert ops[4][0][0] == b"a (nested) string"
    image = b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \xff EI Q"
    assert [op for _, op in operations(image)] == [b"q", b"cm", b"INLINE IMAGE", b"Q"]
