"""levels: one source for subjects and levels, complete in every table."""

from __future__ import annotations

from infographics import levels


def test_every_page_level_has_a_folder_label_adjective_and_order():
    for level in levels.PAGE_LEVELS:
        assert levels.FOLDERS[level]
        assert levels.LABELS[level]
        assert levels.ADJECTIVES[level]
        assert level in levels.ORDER


def test_files_are_ordered_country_first_and_bundles_last():
    order = sorted(levels.FILE_LEVELS, key=levels.ORDER.__getitem__)
    assert order[0] == "national"
    assert order[-2:] == ["bundle", "print"]


def test_subjects_have_dutch_labels():
    assert [levels.SUBJECT_LABELS[s] for s in levels.SUBJECTS] == ["PO", "VO", "samenwerking"]
    assert levels.subject_label("all") == "alle onderwerpen"
    assert levels.subject_label("xx") == "xx"


def test_every_subject_says_its_kind_of_year_and_its_levels():
    assert set(levels.SUBJECT_INFO) == set(levels.SUBJECTS)
    assert levels.SUBJECT_INFO["partners"].year_kind == "calendar"
    assert levels.SUBJECT_INFO["po"].year_kind == "school"
    assert levels.has_level("vo", "school")
    assert not levels.has_level("partners", "school")
    assert not levels.has_level("po", "school")
    assert levels.has_level("partners", "library")


def test_an_edition_year_is_a_calendar_or_a_school_year():
    assert levels.is_calendar_year("2022")
    assert not levels.is_calendar_year("2022-2023")
    assert not levels.is_calendar_year("22")
