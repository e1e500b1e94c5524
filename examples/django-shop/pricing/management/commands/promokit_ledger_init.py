"""`python manage.py promokit_ledger_init [URL]`: run `promokit ledger init` on the shop's ledger.

Run it once per deployment (before the workers start): it creates the PostgreSQL schema
idempotently and checks its version, exactly as the `promokit` command line does.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Create or check the promokit ledger schema (promokit ledger init)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", nargs="?", help="ledger URL (default: settings.PROMOKIT_LEDGER_URL)")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] or settings.PROMOKIT_LEDGER_URL
        done = subprocess.run(
            [sys.executable, "-m", "promokit", "ledger", "init", url], capture_output=True, text=True
        )
        self.stdout.write(done.stdout, ending="")
        if done.returncode != 0:
            raise CommandError(done.stderr.strip() or f"promokit ledger init exited {done.returncode}")
