"""`make test` and `make build` find a browser and Python 3.12 on a Mac, a laptop without root and CI.

Each test fakes the machine's answers (files, PATH, root, what installs succeed) and checks the
path chosen, what was run to get it, and the one line printed when nothing fits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts.machine_setup import ROOT, Machine, find_python312, main

HOME = Path("/home/dev")
MAC_HOME = Path("/Users/dev")
MAC_CHROME = Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
PLAYWRIGHT_INSTALL = ("python", "-m", "playwright", "install", "chromium")


@dataclass
class FakeMachine:
    """A computer described by its files and commands; installs change it as they would."""

    platform: str = "linux"
    home: Path = HOME
    root: bool = False
    files: set[Path] = field(default_factory=set)  # executables and marker files
    commands: dict[str, Path] = field(default_factory=dict)  # what `which` finds on PATH
    answers: dict[tuple[str, ...], str] = field(default_factory=dict)  # stdout of succeeding queries
    env: dict[str, str] = field(default_factory=dict)
    # What a succeeding install adds to the machine; an install not listed fails (no network).
    installs: dict[tuple[str, ...], set[Path]] = field(default_factory=dict)
    ran: list[tuple[str, ...]] = field(default_factory=list)

    def machine(self) -> Machine:
        return Machine(
            platform=self.platform,
            env=self.env,
            home=self.home,
            is_root=self.root,
            is_executable=lambda path: path in self.files,
            exists=lambda path: path in self.files,
            listdir=self._listdir,
            which=self.commands.get,
            query=lambda command: self.answers.get(tuple(command)),
            install=self._install,
        )

    def _listdir(self, directory: Path) -> list[str]:
        inside = (path for path in self.files if path.is_relative_to(directory) and path != directory)
        return sorted({path.relative_to(directory).parts[0] for path in inside})

    def _install(self, command: Sequence[str], extra_env: Mapping[str, str]) -> bool:
        ran = (*command, *(f"{name}={value}" for name, value in extra_env.items()))
        self.ran.append(ran)
        added = self.installs.get(ran)
        if added is None:
            return False
        self.files |= added
        return True

    def debian(self) -> FakeMachine:
        self.files.add(Path("/etc/debian_version"))
        self.commands["apt-get"] = Path("/usr/bin/apt-get")
        return self


def run(fake: FakeMachine, *argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv), fake.machine(), python="python")
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def setup(capsys: pytest.CaptureFixture[str]) -> Run:
    return lambda fake, *argv: run(fake, *argv, capsys=capsys)


# Chromium


def test_ci_takes_debians_chromium_and_installs_nothing(setup: Run) -> None:
    # GIVEN our CI box: root, Debian, /usr/bin/chromium present
    fake = FakeMachine(root=True, files={Path("/usr/bin/chromium")}).debian()
    # WHEN make test asks for a browser
    code, out, _ = setup(fake, "chromium", "--install")
    # THEN it drives Debian's chromium, as before, without running an installer
    assert (code, out, fake.ran) == (0, "/usr/bin/chromium", [])


def test_a_root_debian_box_without_chromium_falls_through_to_apt_get_when_downloads_are_blocked(
    setup: Run,
) -> None:
    # GIVEN root on Debian, no browser, and Playwright's download blocked (not in `installs`)
    fake = FakeMachine(root=True).debian()
    fake.installs[("apt-get", "update", "-qq", "DEBIAN_FRONTEND=noninteractive")] = set()
    fake.installs[("apt-get", "install", "-y", "-qq", "chromium", "DEBIAN_FRONTEND=noninteractive")] = {
        Path("/usr/bin/chromium")
    }
    # WHEN make test asks for a browser, installing if need be
    code, out, _ = setup(fake, "chromium", "--install")
    # THEN Playwright was tried first, then apt-get installed Debian's chromium, which is chosen
    assert fake.ran[0] == PLAYWRIGHT_INSTALL
    assert [command[:2] for command in fake.ran[1:]] == [("apt-get", "update"), ("apt-get", "install")]
    assert (code, out) == (0, "/usr/bin/chromium")


def test_a_laptop_without_root_uses_playwrights_download_and_never_apt_get(setup: Run) -> None:
    # GIVEN a Debian laptop, not root, no browser, but the network allows Playwright's download
    fake = FakeMachine().debian()
    downloaded = HOME / ".cache/ms-playwright/chromium-1255/chrome-linux64/chrome"
    fake.installs[PLAYWRIGHT_INSTALL] = {downloaded}
    # WHEN make test asks for a browser
    code, out, _ = setup(fake, "chromium", "--install")
    # THEN it installs into the user's cache with Playwright and takes that browser
    assert (code, out, fake.ran) == (0, str(downloaded), [PLAYWRIGHT_INSTALL])


def test_a_laptop_without_root_or_network_gets_one_line_naming_the_package(setup: Run) -> None:
    # GIVEN a Debian laptop, not root, no browser, downloads blocked
    fake = FakeMachine().debian()
    # WHEN make test asks for a browser
    code, out, err = setup(fake, "chromium", "--install")
    # THEN only Playwright was tried (apt-get needs root) and one line says what to install
    assert fake.ran == [PLAYWRIGHT_INSTALL]
    assert (code, out) == (1, "")
    assert err == (
        "no Chromium found: install it (Debian: sudo apt-get install chromium; Ubuntu: Google Chrome), "
        "or set CHROMIUM=/path/to/chrome"
    )


def test_a_root_box_that_is_not_debian_never_runs_apt_get(setup: Run) -> None:
    # GIVEN root on a Fedora-like box: no /etc/debian_version
    fake = FakeMachine(root=True, commands={"apt-get": Path("/usr/bin/apt-get")})
    code, _, err = setup(fake, "chromium", "--install")
    assert fake.ran == [PLAYWRIGHT_INSTALL]
    assert code == 1
    assert err.startswith("no Chromium found: install your distribution's chromium package")


def test_a_mac_with_google_chrome_uses_the_application(setup: Run) -> None:
    fake = FakeMachine(platform="darwin", home=MAC_HOME, files={MAC_CHROME})
    code, out, _ = setup(fake, "chromium", "--install")
    assert (code, out, fake.ran) == (0, str(MAC_CHROME), [])


def test_a_mac_takes_the_newest_chromium_playwright_downloaded(setup: Run) -> None:
    # GIVEN a Mac with two Playwright downloads in ~/Library/Caches (old and Chrome for Testing layouts)
    cache = MAC_HOME / "Library/Caches/ms-playwright"
    app = "Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing"
    newer = cache / "chromium-1255/chrome-mac-arm64" / app
    older = cache / "chromium-999/chrome-mac/Chromium.app/Contents/MacOS/Chromium"
    fake = FakeMachine(platform="darwin", home=MAC_HOME, files={older, newer})
    # WHEN make test asks for a browser
    code, out, _ = setup(fake, "chromium", "--install")
    # THEN the newest revision is chosen, by number (1255 > 999), and nothing is installed
    assert (code, out, fake.ran) == (0, str(newer), [])


def test_a_mac_without_any_browser_is_told_to_install_chrome(setup: Run) -> None:
    # GIVEN a Mac with no browser, downloads blocked, and root (which never means apt-get there)
    fake = FakeMachine(platform="darwin", home=MAC_HOME, root=True)
    code, _, err = setup(fake, "chromium", "--install")
    assert fake.ran == [PLAYWRIGHT_INSTALL]
    assert code == 1
    assert err == (
        "no Chromium found: install Google Chrome (brew install --cask google-chrome), "
        "or set CHROMIUM=/path/to/chrome"
    )


def test_playwright_browsers_path_is_honoured(setup: Run) -> None:
    shared = Path("/opt/browsers/chromium-1255/chrome-linux64/chrome")
    fake = FakeMachine(files={shared}, env={"PLAYWRIGHT_BROWSERS_PATH": "/opt/browsers"})
    assert setup(fake, "chromium")[:2] == (0, str(shared))


def test_chrome_on_path_is_found_as_github_runners_have_it(setup: Run) -> None:
    chrome = Path("/usr/bin/google-chrome")
    fake = FakeMachine(files={chrome}, commands={"google-chrome": chrome})
    assert setup(fake, "chromium")[:2] == (0, str(chrome))


def test_a_snap_browser_is_passed_over_for_one_playwright_can_drive(setup: Run) -> None:
    # GIVEN Ubuntu's snap Chromium on PATH and Google Chrome's .deb
    snap, chrome = Path("/snap/bin/chromium"), Path("/usr/bin/google-chrome")
    fake = FakeMachine(files={snap, chrome}, commands={"chromium": snap, "google-chrome": chrome})
    # THEN Chrome is chosen: the snap cannot read the profile Playwright writes under /tmp
    assert setup(fake, "chromium")[:2] == (0, str(chrome))


def test_the_users_chromium_wins_over_what_is_installed(setup: Run) -> None:
    mine = HOME / "bin/chrome"
    fake = FakeMachine(files={mine, Path("/usr/bin/chromium")}, env={"CHROMIUM": str(mine)})
    assert setup(fake, "chromium", "--install")[:2] == (0, str(mine))


def test_a_wrong_chromium_setting_is_an_error_not_a_silent_fallback(setup: Run) -> None:
    # GIVEN CHROMIUM pointing nowhere, with Debian's chromium present
    fake = FakeMachine(files={Path("/usr/bin/chromium")}, env={"CHROMIUM": "/nowhere/chrome"})
    # WHEN make test asks for a browser, THEN it says so and installs nothing
    code, out, err = setup(fake, "chromium", "--install")
    assert (code, out, fake.ran) == (1, "", [])
    assert err == "CHROMIUM=/nowhere/chrome is not an executable file; unset it or point it at Chrome"


def test_finding_alone_never_installs(setup: Run) -> None:
    fake = FakeMachine(root=True).debian()
    code, _, err = setup(fake, "chromium")
    assert (code, fake.ran) == (1, [])
    assert err.startswith("no Chromium found")


# Python 3.12


def test_python312_on_path_is_taken_first() -> None:
    brew = Path("/opt/homebrew/bin/python3.12")
    fake = FakeMachine(platform="darwin", home=MAC_HOME, commands={"python3.12": brew})
    assert find_python312(fake.machine()) == brew


def test_a_pyenv_shim_is_passed_over_for_the_newest_installed_312() -> None:
    # GIVEN pyenv's shim on PATH (it may point at another version) and 3.12.9 and 3.12.10 installed
    pyenv = HOME / ".pyenv"
    versions = pyenv / "versions"
    fake = FakeMachine(
        commands={"python3.12": pyenv / "shims/python3.12", "pyenv": pyenv / "bin/pyenv"},
        answers={("pyenv", "root"): str(pyenv)},
        files={versions / v / "bin/python3.12" for v in ("3.12.9", "3.12.10", "3.13.0")},
    )
    # WHEN make build looks for Python 3.12, THEN it takes 3.12.10 (by number, not by spelling)
    assert find_python312(fake.machine()) == versions / "3.12.10/bin/python3.12"


def test_pyenv_root_from_the_environment_without_pyenv_on_path() -> None:
    python = Path("/opt/pyenv/versions/3.12.1/bin/python3.12")
    fake = FakeMachine(env={"PYENV_ROOT": "/opt/pyenv"}, files={python})
    assert find_python312(fake.machine()) == python


def test_uvs_python_is_found_through_the_projects_uv() -> None:
    # GIVEN no python3.12 on PATH and no pyenv, but the dev venv's uv knows a 3.12
    uv = ROOT / ".venv/bin/uv"
    managed = HOME / ".local/share/uv/python/cpython-3.12.12-linux-x86_64-gnu/bin"
    fake = FakeMachine(
        files={uv, managed / "python3.12"},
        answers={(str(uv), "python", "find", "3.12"): str(managed / "python3")},
    )
    # THEN the python3.12 beside uv's answer is chosen: sam looks for that name on PATH
    assert find_python312(fake.machine()) == managed / "python3.12"


@pytest.mark.parametrize(
    ("platform", "advice"),
    [
        ("darwin", "brew install python@3.12, or uv python install 3.12"),
        ("linux", "install your distribution's python3.12, or pyenv install 3.12, or uv python install 3.12"),
    ],
)
def test_no_python312_says_how_to_get_one_on_this_platform(setup: Run, platform: str, advice: str) -> None:
    fake = FakeMachine(platform=platform)
    code, out, err = setup(fake, "python3.12")
    assert (code, out) == (1, "")
    assert err == f"python3.12 not found (sam build needs Lambda's Python): {advice}"
