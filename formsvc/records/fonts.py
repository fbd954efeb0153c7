"""Where BIZ UD Gothic is on this machine (Debian: fonts-morisawa-bizud-gothic).

The path is found at run time, never hard-coded: the known font folders are searched first,
then fontconfig is asked. ``fc-match`` is not used because it answers with a fallback font when
the one asked for is missing; ``fc-list`` only lists fonts that really match.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FAMILY = "BIZ UDGothic"
FILES = {"regular": "BIZUDGothic-Regular.ttf", "bold": "BIZUDGothic-Bold.ttf"}
FONT_DIRECTORIES = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
INSTALL_HINT = "apt-get install -y fonts-morisawa-bizud-gothic (scripts/system-packages.sh installs it)"


class FontMissing(RuntimeError):
    """BIZ UD Gothic is not installed: records cannot be printed in the municipality's typeface."""


@dataclass(frozen=True)
class RecordFonts:
    regular: Path
    bold: Path | None

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(path for path in (self.regular, self.bold) if path is not None)


def _search_directories(name: str) -> Path | None:
    for directory in FONT_DIRECTORIES:
        if directory.is_dir():
            for found in sorted(directory.rglob(name)):
                if found.is_file():
                    return found.resolve()
    return None


def _ask_fontconfig(name: str) -> Path | None:
    if shutil.which("fc-list") is None:
        return None
    try:
        listed = subprocess.run(["fc-list", "-f", "%{file}\n", FAMILY], capture_output=True, text=True,
                                timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in listed.splitlines():
        path = Path(line.strip())
        if path.name == name and path.is_file():
            return path.resolve()
    return None


def _find(name: str) -> Path | None:
    return _search_directories(name) or _ask_fontconfig(name)


@functools.cache
def record_fonts() -> RecordFonts:
    """The BIZ UD Gothic files (regular, and bold when installed); FontMissing without the regular."""
    regular = _find(FILES["regular"])
    if regular is None:
        searched = ", ".join(str(d) for d in FONT_DIRECTORIES)
        raise FontMissing(f"BIZ UD Gothic ({FILES['regular']}) was not found in {searched} nor by fontconfig. "
                          f"Install it: {INSTALL_HINT}")
    return RecordFonts(regular=regular, bold=_find(FILES["bold"]))
