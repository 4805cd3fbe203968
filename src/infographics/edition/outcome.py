"""Outcomes of building: each planned `Job` into `Built` (with its manifest row), `Failed` (with
the reason, as a failures.csv row) or `Skipped` (unchanged since the run that made it), and a
run's `BuildResult` that collects them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from infographics.edition.failures import Failure
from infographics.edition.manifest import Entry
from infographics.edition.plan import Job
from infographics.numbers import integer


@dataclass(frozen=True)
class Built:
    """A page written this run, with its file's sha256 and the fingerprint of its inputs."""

    job: Job
    sha256: str
    pages: int
    inputs: str = ""

    def entry(self) -> Entry:
        j = self.job
        return Entry(j.school_year, j.subject, j.level, j.entity_id, j.entity_name, j.library_id,
                     j.path, self.sha256, self.pages, self.inputs)


@dataclass(frozen=True)
class Failed:
    """A page that could not be built, drawn, verified or written, and why (Dutch)."""

    job: Job
    reason: str

    def failure(self) -> Failure:
        j = self.job
        return Failure(j.school_year, j.subject, j.level, j.entity_id, j.entity_name,
                       self.reason)


@dataclass(frozen=True)
class Skipped:
    """A page whose inputs and file are unchanged since the run that made it."""

    job: Job
    entry: Entry

    def as_built(self) -> Built:
        e = self.entry
        return Built(self.job, e.sha256, e.pages, e.inputs)


Outcome = Built | Failed | Skipped


@dataclass
class BuildResult:
    """Every outcome of a run, the workers' peak memory and the files the run removed."""

    built: list[Built] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    peak_rss_mb: dict[int, float] = field(default_factory=dict)  # per worker process
    removed: list[str] = field(default_factory=list)  # old files of failed or dropped pages

    def add(self, item: Outcome) -> None:
        if isinstance(item, Built):
            self.built.append(item)
        elif isinstance(item, Failed):
            self.failed.append(item)
        else:
            self.skipped.append(item)

    def summary(self) -> str:
        return (f"{integer(len(self.built))} gebouwd, {integer(len(self.failed))} mislukt, "
                f"{integer(len(self.skipped))} overgeslagen")

    def entries(self) -> list[Entry]:
        """The manifest rows of every page built or skipped so far."""
        return [b.entry() for b in self.built] + [s.as_built().entry() for s in self.skipped]
