"""The command line: parse options, call the core, report, pick the exit code.

The only package that imports typer or rich. Each command declares its options in its own signature,
from the aliases in :mod:`lpctl.cli.options`; builds the core's options value from them; calls the
core; hands the result to a reporter in :mod:`lpctl.cli.present`; and exits. :mod:`lpctl.cli.app`
holds the typer application and the one place that turns exceptions into exit codes. The command
modules are imported here in the order ``lpctl --help`` lists their commands.
"""

from __future__ import annotations

# each import registers its commands: the order is the order --help lists them in
# isort: off
from lpctl.cli import check  # noqa: F401
from lpctl.cli import schedule  # noqa: F401
from lpctl.cli import server  # noqa: F401
from lpctl.cli import missed  # noqa: F401
from lpctl.cli import authoring  # noqa: F401
# isort: on
from lpctl.cli.app import app, main

__all__ = ["app", "main"]
