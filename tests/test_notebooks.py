"""Every notebook is a jupytext pair in sync, executed top to bottom; nbval (in `make test`) replays it."""

import pytest

from channels_lab import course
from channels_lab.notebooks import NOTEBOOKS, out_of_sync, scripts


@pytest.mark.parametrize("script", scripts(), ids=lambda p: p.stem)
def test_pair_in_sync_and_executed_in_order(script):
    assert out_of_sync(script) == []


def test_every_notebook_is_on_the_course_map_and_back():
    on_disk = {p.stem for p in scripts()}
    in_course = {nb.id for nb in course.notebooks()}
    assert on_disk == in_course
    assert not [p.name for p in NOTEBOOKS.glob("*.ipynb") if p.stem not in on_disk], "an .ipynb without its .py"


def test_the_learners_folder_holds_only_what_a_learner_opens():
    extra = [p.name for p in NOTEBOOKS.iterdir()
             if p.suffix != ".ipynb" and p.name not in ("README.md", ".ipynb_checkpoints")]
    assert not extra, f"notebooks/ should hold only notebooks and README.md, not {extra}"


def test_sanitize_file_covers_ports_channels_addresses_and_durations():
    text = (NOTEBOOKS.parent / "tests" / "nbval_sanitize.cfg").read_text()
    for section in ("[ports]", "[channel-names]", "[addresses]", "[durations]"):
        assert section in text


def test_readme_lists_every_notebook_in_order():
    readme = (NOTEBOOKS.parent / "README.md").read_text(encoding="utf-8")
    positions = [readme.find(f"| `{nb.id}` |") for nb in course.notebooks()]
    assert -1 not in positions, "README's notebook table misses a notebook of course.toml"
    assert positions == sorted(positions), "README's notebook table is not in course order"
