"""text: hand-made pages fail on exactly the check that names their problem: text outside
the page, painting outside marked content, nested or unbalanced marked content, an expected
figure that is not in the text (figures wrapped over lines still match)."""

from __future__ import annotations

from handmade import checks, paragraph, tagged_pdf

from infographics.verify import Finding, verify_pdf
from infographics.verify.text import shows_number


def test_untagged_content():
    def draw(c):
        paragraph(c)
        c.setFont("Lato", 10)
        c.drawString(72, 600, "Niet getagd")

    findings = verify_pdf(tagged_pdf(draw))
    assert checks(findings) == {"untagged-content"}
    assert "Niet getagd" in findings[0].message


def test_text_outside_the_page():
    pdf = tagged_pdf(lambda c: (paragraph(c), paragraph(c, "Buiten beeld", x=700)))
    findings = verify_pdf(pdf)
    assert checks(findings) == {"text-inside-page"}
    assert "Buiten beeld" in findings[0].message


def test_text_running_off_the_right_edge():
    pdf = tagged_pdf(lambda c: paragraph(c, "Een lange regel die over de rand loopt", x=450))
    assert checks(verify_pdf(pdf)) == {"text-inside-page"}


def test_expected_number_missing():
    findings = verify_pdf(tagged_pdf(paragraph), ["78%", "12.345"])
    assert findings == [Finding("numbers", "getal '12.345' staat niet in de tekst")]


def test_numbers_wrapped_over_lines_and_no_break_spaces_still_match():
    def draw(c):
        with c.tag("P"):
            c.setFont("Lato", 10)
            c.drawString(72, 700, "bereikt: 7 van")
            c.drawString(72, 688, "de 10 kinderen")

    assert verify_pdf(tagged_pdf(draw), ["7 van de 10", "7\u00a0van de\u00a010"]) == []
    for partial in ("7 van de 1", "0 kinderen", "17 van de 10"):
        assert checks(verify_pdf(tagged_pdf(draw), [partial])) == {"numbers"}, partial


def test_a_number_is_found_only_as_a_whole():
    assert shows_number("78% van de 1.234 locaties", "78%")
    assert shows_number("78% van de 1.234 locaties", "1.234")
    assert not shows_number("78% van de 1.234 locaties", "7")
    assert not shows_number("78% van de 1.234 locaties", "1")
    assert not shows_number("1,1 miljoen", "1")
    assert not shows_number("1,1 miljoen", ",1")


def test_nested_and_unbalanced_marked_content():
    def nested(c):
        with c.tag("P"):
            c.addLiteral("/Artifact BMC")
            c.setFont("Lato", 10)
            c.drawString(72, 700, "Half versiering")
            c.addLiteral("EMC")

    def unbalanced(c):
        paragraph(c)
        c.addLiteral("EMC")

    found = verify_pdf(tagged_pdf(nested))
    assert checks(found) == {"marked-content"}
    assert "genest in MCID 0" in found[0].message
    assert checks(verify_pdf(tagged_pdf(unbalanced))) == {"marked-content"}
