"""Suite-wide configuration: hypothesis profiles.

`ci` (the default) has no per-example deadline: timings on a shared 2-core machine vary, and
performance is measured by `benchmarks/`, never by timed assertions. Select another profile
with HYPOTHESIS_PROFILE=dev for quicker local runs.
"""

from __future__ import annotations

import os

# Never read or write a user's compile cache from the suite (tests/language/test_cache.py points
# it at a tmp dir explicitly).
os.environ.setdefault("PROMOKIT_NO_CACHE", "1")

from hypothesis import HealthCheck, settings

settings.register_profile("ci", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=50, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
