"""The `formsvc` console script.

`formsvc validate` runs straight away: it needs no app, and importing Flask's command line
(Flask, Werkzeug, Jinja) would cost more than a tenth of checking 100 definitions. Every other
command goes through the Flask command group in formsvc.cli."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["validate"]:
        from formsvc.definitions.command import validate

        validate.main(sys.argv[2:], prog_name="formsvc validate")
    from formsvc.cli import main as flask_main

    flask_main()
