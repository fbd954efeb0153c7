"""README.md's table of `formsvc` commands names every command there is (with demo mode's)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from formsvc import create_app
from formsvc.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def command_table() -> str:
    section = README.split("## The `formsvc` command", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `formsvc "))


def command_names(group: click.Group, prefix: str = "formsvc") -> set[str]:
    names = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names |= command_names(command, f"{prefix} {name}")
        else:
            names.add(f"{prefix} {name}")
    return names


def test_every_command_is_in_the_readme_table(tmp_path):
    # Commands registered by the app itself (app.cli: the mock payment provider's) as well.
    demo = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                       "INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "test-secret-key", "FORMSVC_DEMO": True,
                       "MOCK_IDP_ENABLED": False})
    commands = command_names(main) | command_names(demo.cli)
    assert {"formsvc demo-accounts", "formsvc create-user", "formsvc run", "formsvc db upgrade"} <= commands
    table = command_table()
    listed = set(re.findall(r"`(formsvc [a-z][a-z-]*(?: [a-z][a-z-]*)?)", table))
    missing = sorted(name for name in commands
                     if name not in listed and not any(entry.startswith(name + " ") for entry in listed))
    assert not missing, f"README.md's command table lacks: {', '.join(missing)}"
