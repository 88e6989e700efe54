from __future__ import annotations

from collections.abc import Iterator

import pytest

from loket.lib import calendar
from loket.lib.equated_days import DECREES


@pytest.fixture(autouse=True)
def shipped_decrees() -> Iterator[None]:
    """lib/ is tested without a database: the calendar gets the decrees shipped with Loket."""
    registered = calendar._provider
    calendar.register_equated_days_provider(lambda: DECREES)
    yield
    calendar.register_equated_days_provider(registered)
