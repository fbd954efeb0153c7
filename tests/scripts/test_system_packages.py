"""scripts/system-packages.sh: what a fresh Debian lacks is installed as root, or the apt-get
line to run is printed. Run with fake dpkg-query, id and apt-get on a PATH of its own, so the
test neither depends on nor changes this machine's packages."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "system-packages.sh"
LIBRARIES = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "libharfbuzz-subset0",
             "fonts-morisawa-bizud-gothic", "chromium", "libatomic1"]
EVERYTHING = [*LIBRARIES, "python3.11", "python3.11-venv", "nodejs", "npm"]
# What the script runs besides the fakes (taken from this machine).
TOOLS = ["bash", "grep", "mktemp", "tail", "rm", "readlink", "cat", "sleep"]


def fake(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!{shutil.which('bash')}\n{body}\n")
    path.chmod(0o755)
    return path


def machine(tmp_path: Path, installed: list[str], uid: int = 1000, commands: tuple[str, ...] = (),
            debian_python: bool = False, apt_fails: bool = False) -> dict[str, str]:
    """A PATH where exactly ``installed`` are Debian packages and ``commands`` exist."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is needed to run the script"
        (bin_dir / tool).symlink_to(found)
    status_lines = "\n".join(f'  {name}) echo -n "install ok installed"; exit 0 ;;' for name in installed)
    owner = f'echo "python3.11-minimal: {bin_dir}/python3.11"; exit 0' if debian_python else "exit 1"
    fake(bin_dir, "dpkg-query", f"""
if [ "$1" = "-S" ]; then {owner}; fi
case "${{@: -1}}" in
{status_lines}
  *) echo "dpkg-query: no packages found matching ${{@: -1}}" >&2; exit 1 ;;
esac""")
    fake(bin_dir, "id", f'[ "$1" = "-u" ] && echo {uid}')
    fake(bin_dir, "apt-get", f'echo "$*" >> {tmp_path}/apt-get.calls; [ "$1" = update ] && exit 0; '
                             + ('echo "E: Unable to locate package chromium" >&2; exit 100' if apt_fails else
                                'echo "debconf: delaying package configuration, since apt-utils is not installed" >&2; '
                                'echo "Setting up chromium ..."'))
    for command in commands:
        fake(bin_dir, command, "exit 0")
    return {"PATH": str(bin_dir), "HOME": str(tmp_path)}


def run(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=60, check=False)


def apt_calls(tmp_path: Path) -> list[str]:
    calls = tmp_path / "apt-get.calls"
    return calls.read_text().splitlines() if calls.exists() else []


def test_on_a_minimal_debian_as_a_user_it_prints_the_whole_apt_get_line(tmp_path):
    result = run(machine(tmp_path, installed=[]))
    assert result.returncode == 0 and result.stdout == ""
    line = next(line for line in result.stderr.splitlines() if "apt-get install" in line)
    assert line.split() == ["apt-get", "install", "-y", "--no-install-recommends", *EVERYTHING]
    assert "as root" in result.stderr
    assert apt_calls(tmp_path) == []


def test_only_what_is_missing_is_listed(tmp_path):
    result = run(machine(tmp_path, installed=["libpango-1.0-0", "libharfbuzz0b", "chromium"],
                         commands=("python3.11", "node", "npm")))
    line = next(line for line in result.stderr.splitlines() if "apt-get install" in line)
    assert line.split()[4:] == ["libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-morisawa-bizud-gothic", "libatomic1"]


def test_debians_own_python_needs_its_venv_package_and_another_python_does_not(tmp_path):
    (tmp_path / "debian").mkdir()
    (tmp_path / "pyenv").mkdir()
    debian = run(machine(tmp_path / "debian", installed=LIBRARIES, commands=("python3.11", "node", "npm"),
                         debian_python=True))
    assert debian.stderr.splitlines()[-1].split()[4:] == ["python3.11-venv"]
    elsewhere = run(machine(tmp_path / "pyenv", installed=LIBRARIES, commands=("python3.11", "node", "npm")))
    assert elsewhere.returncode == 0 and elsewhere.stdout == elsewhere.stderr == ""


def test_with_everything_there_it_says_nothing(tmp_path):
    result = run(machine(tmp_path, installed=EVERYTHING, commands=("python3.11", "node", "npm"), debian_python=True))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_as_root_it_installs_the_missing_packages_in_one_quiet_line(tmp_path):
    result = run(machine(tmp_path, installed=LIBRARIES, uid=0))
    assert result.returncode == 0, result.stderr
    assert apt_calls(tmp_path) == ["update -qq", "install -y -qq --no-install-recommends "
                                   "python3.11 python3.11-venv nodejs npm"]
    assert result.stdout.splitlines()[0] == "Installing Debian packages: python3.11 python3.11-venv nodejs npm …"
    assert result.stdout.splitlines()[1].startswith("Debian packages installed (")
    assert "Setting up" not in result.stdout + result.stderr  # apt's progress is not shown
    assert "debconf" not in result.stderr


def test_as_root_a_failed_install_stops_with_apt_gets_error(tmp_path):
    result = run(machine(tmp_path, installed=[], uid=0, commands=("python3.11", "node", "npm"), apt_fails=True))
    assert result.returncode == 1
    assert "E: Unable to locate package chromium" in result.stderr and "apt-get install failed" in result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_checks_for_python_only_after_the_system_packages_step():
    # -n: print what would run; -B: as if nothing were up to date (a fresh clone).
    planned = subprocess.run(["make", "-n", "-B", "-C", str(REPO), "venv"], capture_output=True, text=True,
                             timeout=60, check=True, env={**os.environ, "MAKEFLAGS": ""}).stdout
    assert planned.index("scripts/system-packages.sh") < planned.index("command -v python3.11")
