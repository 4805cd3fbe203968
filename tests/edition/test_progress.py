"""Progress of a build: plain lines every 10% when not on a terminal, failures named as they
happen, a tqdm bar on a terminal."""

from __future__ import annotations

import io
import re

from infographics.edition.manifest import Entry
from infographics.edition.outcome import Built, Failed, Skipped
from infographics.edition.plan import Job
from infographics.edition.progress import Progress

JOB = Job("po", "library", "bib-0001", "Bibliotheek Hunzedal", "2020-2021",
          "po/lokaal/po-2020-2021-bibliotheek-hunzedal.pdf", "bib-0001")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_every_ten_percent_with_rate_and_time_left():
    stream = io.StringIO()
    progress = Progress(1032, stream=stream)
    for _ in range(1032):
        progress(Built(JOB, "0" * 64, 1))
    progress.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("104/1.032 pagina's (10%), ")
    assert lines[-1].startswith("1.032/1.032 pagina's (100%), ")
    for line in lines:
        assert re.fullmatch(r"[\d.]+/1\.032 pagina's \(\d+%\), \d+,\d per s, nog \d+:\d\d", line)


def test_failures_are_named_at_once_and_counted():
    stream = io.StringIO()
    progress = Progress(3, stream=stream)
    progress(Failed(JOB, "header: tekst past niet"))
    progress(Skipped(JOB, Entry("2020-2021", "po", "library", "bib-0001", "", "", JOB.path,
                                "0" * 64, 1)))
    progress(Built(JOB, "0" * 64, 1))
    assert stream.getvalue().splitlines()[0] == (
        "MISLUKT po/lokaal/po-2020-2021-bibliotheek-hunzedal.pdf: header: tekst past niet")
    assert (progress.done, progress.failed, progress.skipped) == (3, 1, 1)


def test_a_terminal_gets_a_bar():
    stream = Terminal()
    progress = Progress(20, stream=stream)
    for _ in range(20):
        progress(Built(JOB, "0" * 64, 1))
    progress.close()
    text = stream.getvalue()
    assert "20/20" in text
    assert " per s" in text
    assert "nog " in text
    assert "\r" in text
