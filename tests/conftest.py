"""Shared test settings: the hypothesis profiles and the `--update-golden` flag.

python -m pytest -q                            # the default profile: quick, a few minutes on 2 cores
HYPOTHESIS_PROFILE=thorough python -m pytest   # many more examples per property
python -m pytest tests/test_golden.py --update-golden   # rewrite tests/golden/ from the current output
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# deadline=None: the torch references and the first parse of a run are slow to start, not to run.
settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# A diagnostic whose code is not in netspec/codes.py (or has another severity there) raises under
# the tests, in this process and in the CLI subprocesses they start; a user's check keeps it.
os.environ.setdefault("NETSPEC_STRICT_CODES", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files in tests/golden/ instead of comparing against them",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return request.config.getoption("--update-golden")
