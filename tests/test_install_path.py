"""channels_lab.install_path: one venv serves one checkout; a second clone cannot silently take it over."""

import subprocess
import sys

import pytest

from channels_lab import REPO_ROOT
from channels_lab.install_path import PTH_NAME, OtherCheckout, install


def checkout(folder):
    """A folder that looks like a Channels Lab checkout (what install_path checks for)."""
    (folder / "channels_lab").mkdir(parents=True)
    (folder / "channels_lab" / "__init__.py").write_text("")
    return folder


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "site-packages"
    site.mkdir()
    return site


def test_a_fresh_site_dir_gets_the_checkout_and_its_demo_project(site, tmp_path):
    repo = checkout(tmp_path / "first")
    pth = install(site, repo, repo / "demo_project")
    assert pth == site / PTH_NAME
    assert pth.read_text().splitlines() == [str(repo), str(repo / "demo_project")]


def test_running_again_from_the_same_checkout_rewrites_it(site, tmp_path):
    repo = checkout(tmp_path / "first")
    install(site, repo, repo / "demo_project")
    install(site, repo, repo / "demo_project")
    assert (site / PTH_NAME).read_text().splitlines()[0] == str(repo)


def test_a_second_checkout_is_refused_while_the_first_exists(site, tmp_path):
    first, second = checkout(tmp_path / "first"), checkout(tmp_path / "second")
    install(site, first, first / "demo_project")
    before = (site / PTH_NAME).read_text()
    with pytest.raises(OtherCheckout) as refused:
        install(site, second, second / "demo_project")
    message = str(refused.value)
    assert str(first) in message and str(second) in message and "\n" not in message, message
    assert (site / PTH_NAME).read_text() == before, "the first checkout's .pth was changed"


def test_a_pth_naming_a_checkout_that_is_gone_is_replaced(site, tmp_path):
    gone, second = tmp_path / "deleted-clone", checkout(tmp_path / "second")
    (site / PTH_NAME).write_text(f"{gone}\n{gone / 'demo_project'}\n")
    install(site, second, second / "demo_project")
    assert (site / PTH_NAME).read_text().splitlines() == [str(second), str(second / "demo_project")]


def test_the_command_refuses_with_one_line_and_a_failing_status(site, tmp_path):
    other = checkout(tmp_path / "other-clone")
    (site / PTH_NAME).write_text(f"{other}\n{other / 'demo_project'}\n")
    run = subprocess.run([sys.executable, "-m", "channels_lab.install_path", "--site-dir", str(site)],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1, run
    assert run.stderr.count("\n") == 1 and str(other) in run.stderr and str(REPO_ROOT) in run.stderr, run.stderr
    assert (site / PTH_NAME).read_text().splitlines()[0] == str(other)


def test_the_command_writes_a_fresh_site_dir(site):
    run = subprocess.run([sys.executable, "-m", "channels_lab.install_path", "--site-dir", str(site)],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert (site / PTH_NAME).read_text().splitlines() == [str(REPO_ROOT), str(REPO_ROOT / "demo_project")]
