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
    assert [levels.SUBJECT_LABELS[s] for s in levels.SUBJECTS] == ["PO", "VO"]
    assert levels.SUBJECT_LABELS["all"] == "PO en VO"
