"""Settings of the example shop. Only what promokit needs: no database models, no templates."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = ["pricing"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "shop.urls"
DATABASES: dict[str, dict[str, str]] = {}  # the ledger is promokit's; the shop needs no Django models here
USE_TZ = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000  # a cart is small; refuse anything bigger

#: The rule folder, loaded at startup and reloaded when a file changes (promokit.watch, pricing/rules.py).
PROMOKIT_RULES = Path(os.environ.get("PROMOKIT_RULES", BASE_DIR / "rules"))
#: The ledger that keeps stock and limits exact across all workers (docs/ledgers.md).
PROMOKIT_LEDGER_URL = os.environ.get(
    "PROMOKIT_LEDGER_URL", "postgresql://postgres@127.0.0.1:5432/test?schema=django_shop"
)
#: Seconds a checkout holds its promotions while the customer pays.
PROMOKIT_RESERVATION_TTL = 900
#: How often the rule files are checked for changes (a hash of their bytes, in a background thread).
PROMOKIT_RELOAD_SECONDS = 2.0
