"""The outbox of a dry run (issue 16): replaced whole, so a run that stops at any moment leaves
the old outbox or the new one, and a folder that is not ours is never replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from infographics.delivery.outbox import replacing
from infographics.errors import InfographicsError


def fill(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(f"oud {name}", encoding="utf-8")


def listing(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_the_new_outbox_replaces_the_old_one_whole(tmp_path):
    outbox = tmp_path / "outbox"
    fill(outbox, "0001-national.eml", "0002-library-bib-0001.eml", "overzicht.csv",
         ".0003-x.eml.abc.tmp")
    with replacing(outbox) as new:
        assert new.parent == tmp_path
        assert listing(outbox)["0001-national.eml"] == "oud 0001-national.eml"  # still there
        (new / "0001-poi-zb.eml").write_text("nieuw", encoding="utf-8")
    assert listing(outbox) == {"0001-poi-zb.eml": "nieuw"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outbox"]


def test_an_error_while_writing_leaves_the_old_outbox_and_no_half_new_one(tmp_path):
    outbox = tmp_path / "outbox"
    fill(outbox, "0001-national.eml", "overzicht.csv")

    def write_half() -> None:
        with replacing(outbox) as new:
            (new / "0001-poi-zb.eml").write_text("half", encoding="utf-8")
            raise OSError("schijf vol")

    with pytest.raises(OSError, match="schijf vol"):
        write_half()
    assert listing(outbox) == {"0001-national.eml": "oud 0001-national.eml",
                               "overzicht.csv": "oud overzicht.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outbox"]


def test_a_run_stopped_between_the_renames_gets_its_old_outbox_back(tmp_path):
    # the state a kill between "old outbox aside" and "new outbox in place" leaves
    fill(tmp_path / ".outbox.oud", "0001-national.eml", "overzicht.csv")
    fill(tmp_path / ".outbox.nieuw", "0001-poi-zb.eml")
    outbox = tmp_path / "outbox"
    with pytest.raises(RuntimeError), replacing(outbox):
        raise RuntimeError("gestopt")
    assert listing(outbox) == {"0001-national.eml": "oud 0001-national.eml",
                               "overzicht.csv": "oud overzicht.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outbox"]


def test_a_run_stopped_after_the_swap_leaves_the_new_outbox_and_the_next_cleans_up(tmp_path):
    fill(tmp_path / ".outbox.oud", "0001-national.eml")
    outbox = tmp_path / "outbox"
    fill(outbox, "0001-poi-zb.eml")
    with replacing(outbox) as new:
        (new / "0001-library-bib-0001.eml").write_text("nieuw", encoding="utf-8")
    assert listing(outbox) == {"0001-library-bib-0001.eml": "nieuw"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outbox"]


@pytest.mark.parametrize("other", ["notities.txt", "bijlagen"])
def test_a_folder_with_other_files_is_never_replaced(tmp_path, other):
    outbox = tmp_path / "mijn-map"
    fill(outbox, "0001-national.eml")
    if other == "bijlagen":
        (outbox / other).mkdir()
    else:
        fill(outbox, other)
    with pytest.raises(InfographicsError, match=f"1 ander bestand .*{other}.*--outbox"), \
            replacing(outbox):
        pytest.fail("nothing may be written")
    assert sorted(p.name for p in outbox.iterdir()) == sorted(["0001-national.eml", other])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mijn-map"]


def test_an_outbox_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "outbox").write_text("geen map", encoding="utf-8")
    with pytest.raises(InfographicsError, match="geen map"), replacing(tmp_path / "outbox"):
        pytest.fail("nothing may be written")


def test_a_new_outbox_in_a_folder_that_does_not_exist_yet(tmp_path):
    outbox = tmp_path / "editie" / "outbox"
    with replacing(outbox) as new:
        (new / "overzicht.csv").write_text("kop", encoding="utf-8")
    assert listing(outbox) == {"overzicht.csv": "kop"}
