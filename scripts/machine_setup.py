"""Find what `make test` and `make build` need on this machine: a Chromium, and Python 3.12.

    python scripts/machine_setup.py chromium [--install]   # prints the browser's path
    python scripts/machine_setup.py python3.12             # prints the interpreter's path

Both look first for what is already there, on Linux and on macOS, and need no root. `--install`
gets a Chromium the platform's ordinary way when there is none: Playwright's own download, then
`apt-get` only when already root on a Debian-like system. When nothing fits, they exit 1 with one
line saying what to install. Everything the machine is asked goes through `Machine`, so the tests
run these decisions with the answers of a Mac, a laptop without root or a CI box.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MAC_APPS = (
    "Google Chrome.app/Contents/MacOS/Google Chrome",
    "Chromium.app/Contents/MacOS/Chromium",
)
# Where Playwright puts its Chromium inside `chromium-<revision>/`: Chrome for Testing's layout
# first, then the one Playwright used before it.
PLAYWRIGHT_LAYOUTS = {
    "linux": (
        "chrome-linux64/chrome",
        "chrome-linux-arm64/chrome",
        "chrome-linux/chrome",
    ),
    "darwin": (
        "chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
        "chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
        "chrome-mac/Chromium.app/Contents/MacOS/Chromium",
    ),
}
APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}
PYTHON_312 = re.compile(r"3\.12(?:\.(\d+))?")


class NotFound(Exception):
    """Nothing fits this machine; the message says, in one line, what to install."""


@dataclass(frozen=True)
class Machine:
    """What the finders ask of the computer they run on."""

    platform: str  # sys.platform: "linux", "darwin"
    env: Mapping[str, str]
    home: Path
    is_root: bool
    is_executable: Callable[[Path], bool]
    exists: Callable[[Path], bool]
    listdir: Callable[[Path], list[str]]  # [] when the directory is missing
    which: Callable[[str], Path | None]
    query: Callable[[Sequence[str]], str | None]  # a command's stdout, None if it failed or is missing
    install: Callable[[Sequence[str], Mapping[str, str]], bool]  # run with extra env; True if it succeeded

    @classmethod
    def this_one(cls) -> Machine:
        return cls(
            platform=sys.platform,
            env=os.environ,
            home=Path.home(),
            is_root=hasattr(os, "geteuid") and os.geteuid() == 0,
            is_executable=lambda path: path.is_file() and os.access(path, os.X_OK),
            exists=Path.exists,
            listdir=_listdir,
            which=_which,
            query=_query,
            install=_install,
        )


def _listdir(directory: Path) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError:
        return []


def _which(command: str) -> Path | None:
    found = shutil.which(command)
    return Path(found) if found else None


# The commands are this module's own (pyenv, uv, playwright, apt-get), never user input.
def _query(command: Sequence[str]) -> str | None:
    try:
        ran = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return None
    return ran.stdout.strip() if ran.returncode == 0 else None


def _install(command: Sequence[str], extra_env: Mapping[str, str]) -> bool:
    print(f"running: {' '.join(command)}", file=sys.stderr)
    try:
        # Its output goes to stderr: stdout carries only the path the caller reads.
        ran = subprocess.run(command, env={**os.environ, **extra_env}, stdout=sys.stderr, check=False)  # noqa: S603
    except OSError:
        return False
    return ran.returncode == 0


# Chromium


def chromium_candidates(machine: Machine) -> Iterator[Path]:
    """Browsers already on the machine, best first: Debian's (as CI has), then the ones on PATH,
    the macOS applications, and last any Chromium Playwright downloaded."""
    yield DEBIAN_CHROMIUM
    for command in CHROMIUM_COMMANDS:
        found = machine.which(command)
        # A snap's browser cannot read the profile Playwright makes for it under /tmp.
        if found is not None and not found.is_relative_to("/snap"):
            yield found
    if machine.platform == "darwin":
        for applications in (Path("/Applications"), machine.home / "Applications"):
            yield from (applications / app for app in MAC_APPS)
    yield from playwright_chromiums(machine)


def playwright_cache(machine: Machine) -> Path:
    """Where Playwright keeps its browsers (its own rules: PLAYWRIGHT_BROWSERS_PATH, else the
    platform's cache directory)."""
    configured = machine.env.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured and configured != "0":
        return Path(configured).expanduser()
    if machine.platform == "darwin":
        return machine.home / "Library" / "Caches" / "ms-playwright"
    return Path(machine.env.get("XDG_CACHE_HOME") or machine.home / ".cache") / "ms-playwright"


def playwright_chromiums(machine: Machine) -> Iterator[Path]:
    cache = playwright_cache(machine)
    revisions = sorted(
        (int(name.removeprefix("chromium-")), name)
        for name in machine.listdir(cache)
        if re.fullmatch(r"chromium-\d+", name)
    )
    for _, name in reversed(revisions):
        yield from (cache / name / layout for layout in PLAYWRIGHT_LAYOUTS.get(machine.platform, ()))


def find_chromium(machine: Machine) -> Path | None:
    """The browser the console test drives: `CHROMIUM` when the user set it, else the best one
    already installed, else None."""
    chosen = machine.env.get("CHROMIUM")
    if chosen:
        path = Path(chosen).expanduser()
        if not machine.is_executable(path):
            raise NotFound(f"CHROMIUM={chosen} is not an executable file; unset it or point it at Chrome")
        return path
    return next((path for path in chromium_candidates(machine) if machine.is_executable(path)), None)


def is_debian_like(machine: Machine) -> bool:
    return machine.exists(Path("/etc/debian_version")) and machine.which("apt-get") is not None


def install_chromium(machine: Machine, python: str = sys.executable) -> Path:
    """Find a Chromium, or install one: Playwright's download where the network allows it, then
    Debian's package when already root. Raises NotFound saying what to install."""
    found = find_chromium(machine)
    if found is not None:
        return found
    if machine.install([python, "-m", "playwright", "install", "chromium"], {}):
        found = find_chromium(machine)
        if found is not None:
            return found
    if machine.is_root and is_debian_like(machine):
        updated = machine.install(["apt-get", "update", "-qq"], APT_ENV)
        if updated and machine.install(["apt-get", "install", "-y", "-qq", "chromium"], APT_ENV):
            found = find_chromium(machine)
            if found is not None:
                return found
    raise NotFound(chromium_advice(machine))


def chromium_advice(machine: Machine) -> str:
    tail = "or set CHROMIUM=/path/to/chrome"
    if machine.platform == "darwin":
        return f"no Chromium found: install Google Chrome (brew install --cask google-chrome), {tail}"
    if is_debian_like(machine):
        packages = "Debian: sudo apt-get install chromium; Ubuntu: Google Chrome"
        return f"no Chromium found: install it ({packages}), {tail}"
    return f"no Chromium found: install your distribution's chromium package, {tail}"


# Python 3.12


def find_python312(machine: Machine) -> Path:
    """The Python that `sam build` needs for Lambda's python3.12 runtime: on PATH (not a pyenv
    shim, which may point elsewhere), else a pyenv version, else one uv knows. Raises NotFound."""
    pyenv_roots = list(_pyenv_roots(machine))
    on_path = machine.which("python3.12")
    if on_path is not None and not any(on_path.parent == root / "shims" for root in pyenv_roots):
        return on_path
    for root in pyenv_roots:
        versions = sorted(
            (int(match.group(1) or 0), name)
            for name in machine.listdir(root / "versions")
            if (match := PYTHON_312.fullmatch(name))
        )
        for _, name in reversed(versions):
            python = root / "versions" / name / "bin" / "python3.12"
            if machine.is_executable(python):
                return python
    for uv in (machine.which("uv"), ROOT / ".venv" / "bin" / "uv"):
        if uv is not None and machine.is_executable(uv):
            answer = machine.query([str(uv), "python", "find", "3.12"])
            if answer:
                # sam looks for `python3.12` on PATH: the one beside uv's answer when there is one.
                found = Path(answer.splitlines()[-1])
                sibling = found.with_name("python3.12")
                return sibling if machine.is_executable(sibling) else found
    raise NotFound(python312_advice(machine))


def _pyenv_roots(machine: Machine) -> Iterator[Path]:
    seen: list[Path] = []
    reported = machine.query(["pyenv", "root"]) if machine.which("pyenv") is not None else None
    for root in (reported, machine.env.get("PYENV_ROOT"), str(machine.home / ".pyenv")):
        if root and Path(root) not in seen:
            seen.append(Path(root))
            yield Path(root)


def python312_advice(machine: Machine) -> str:
    need = "python3.12 not found (sam build needs Lambda's Python):"
    if machine.platform == "darwin":
        return f"{need} brew install python@3.12, or uv python install 3.12"
    return f"{need} install your distribution's python3.12, or pyenv install 3.12, or uv python install 3.12"


def main(argv: Sequence[str], machine: Machine | None = None, python: str = sys.executable) -> int:
    machine = machine or Machine.this_one()
    try:
        match list(argv):
            case ["chromium"]:
                found = find_chromium(machine)
                if found is None:
                    raise NotFound(chromium_advice(machine))
            case ["chromium", "--install"]:
                found = install_chromium(machine, python)
            case ["python3.12"]:
                found = find_python312(machine)
            case _:
                print("usage: machine_setup.py chromium [--install] | python3.12", file=sys.stderr)
                return 2
    except NotFound as missing:
        print(missing, file=sys.stderr)
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
