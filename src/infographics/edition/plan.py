"""Planning: the figures' entities, per school year, subject and level, into the `Job`s of an
edition, each with a readable and stable file name:
`po/lokaal/po-2020-2021-bibliotheek-zuidrand.pdf`, `partners/lokaal/partners-2022-....pdf`.

File names are decided over the whole edition, so a partial build (`--only`) names a page
exactly as a full build does; two entities whose names give the same slug get their id added.

Which years: without a choice the latest year of each subject, `all` every year of each
subject, else the years named; a subject has a year when someone answered its survey that year
(`Figures.years(subject)`), so PO in a year before the PO survey makes no pages.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from infographics.data.measure import Figures
from infographics.fileio import slug
from infographics.levels import FOLDERS, PageLevel, Subject, has_level


@dataclass(frozen=True)
class Job:
    """One page to build: whose page it is and where its file goes. `school_year` is the
    edition's year: a school year for PO/VO, a calendar year for partners."""

    subject: Subject
    level: PageLevel
    entity_id: str
    entity_name: str
    school_year: str
    path: str  # relative to the output folder
    library_id: str = ""  # the library of a local or school page, else ""


ALL = "all"


def subject_years(figures: Figures, subject: Subject, years: Sequence[str] = ()) -> list[str]:
    """The editions of `subject` in the figures (of `years` only, when given), oldest first:
    school years for PO/VO, calendar years for partners (`Figures.years`: a year in which
    someone answered the subject's survey), so a partners year is never planned as a PO
    edition nor the other way round, and PO in a year before the PO survey makes no pages."""
    available = figures.years(subject)
    return [y for y in available if y in set(years)] if years else available


def plan_years(figures: Figures, subject: Subject, years: Sequence[str] = ()) -> list[str]:
    """The years to build for `subject`: none chosen = its latest year, `all` = all its years,
    else the chosen years it has."""
    have = subject_years(figures, subject)
    if not years:
        return have[-1:]
    if ALL in years:
        return have
    return [y for y in have if y in set(years)]


def plan(figures: Figures, subjects: Sequence[Subject], levels: Sequence[PageLevel],
         only: Sequence[str] = (), years: Sequence[str] = ()) -> list[Job]:
    """Every page to build, in a stable order; with `only`, the pages of those entities (a
    school page also when its library is named). `years` as `plan_years`. File names are
    decided over the whole edition first, so a partial build names a page exactly as a full
    build does."""
    jobs = _unique_paths([job for subject in subjects
                          for year in plan_years(figures, subject, years)
                          for level in levels
                          for job in _level_jobs(figures, year, subject, level)])
    if only:
        wanted = set(only)
        jobs = [j for j in jobs if j.entity_id in wanted
                or (j.level == "school" and j.library_id in wanted)]
    return jobs


def _level_jobs(figures: Figures, year: str, subject: Subject, level: PageLevel) -> list[Job]:
    """The pages of one edition, subject and level (school pages exist for VO only)."""
    if not has_level(subject, level):
        return []
    if level == "school":
        return _school_jobs(figures, year)
    jobs = []
    for ent in figures.entities(level, year, subject):
        name = "nederland" if level == "national" else slug(ent.name)
        path = f"{subject}/{FOLDERS[level]}/{subject}-{year}-{name}.pdf"
        jobs.append(Job(subject, level, ent.id, ent.name, year, path,
                        ent.id if level == "library" else ""))
    return jobs


def _school_jobs(figures: Figures, year: str) -> list[Job]:
    """One star-checklist page per cooperating VO school location, filed under its library."""
    schools = figures.schools
    if schools.empty:
        return []
    rows = schools[(schools["school_year"] == year) & (schools["sector"] == "vo")]
    rows = rows.sort_values(["library_id", "location_id"])
    jobs = []
    # the school table's cells are text (data.read gives every id and name as str)
    for library_id, location_id, location_name in zip(
            rows["library_id"].astype(str), rows["location_id"].astype(str),
            rows["location_name"].astype(str), strict=True):
        library = slug(figures.library(year, library_id).library_name)
        path = f"vo/school/{library}/vo-{year}-{slug(location_id)}-{slug(location_name)}.pdf"
        jobs.append(Job("vo", "school", location_id, location_name, year, path, library_id))
    return jobs


def _unique_paths(jobs: list[Job]) -> list[Job]:
    """Two entities with the same name slug get their id added, so no file is overwritten; ids
    that are still alike as a slug (`bib-0001` and `BIB-0001`) also get a short digest of the
    exact id."""
    jobs = _suffixed(jobs, lambda j: slug(j.entity_id))
    return _suffixed(jobs, lambda j: hashlib.sha256(j.entity_id.encode()).hexdigest()[:8])


def _suffixed(jobs: list[Job], suffix: Callable[[Job], str]) -> list[Job]:
    """The jobs whose path another job shares, with `-suffix` added before `.pdf`."""
    seen = Counter(j.path for j in jobs)
    return [replace(j, path=j.path.removesuffix(".pdf") + f"-{suffix(j)}.pdf")
            if seen[j.path] > 1 else j for j in jobs]
