"""The `promokit` command line: `main` dispatches to one module per subcommand.

Each command module exposes HELP, add_arguments(parser) and run(args) -> int.
"""

from .main import main

__all__ = ["main"]
