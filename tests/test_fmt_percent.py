"""Shares as Belgian percentages; a share that is not zero never reads « 0 % »."""

import pytest

from centrale import fmt

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("share", "decimals", "shown"),
    [
        (0, 0, "0 %"),
        (0.21, 0, "21 %"),
        (0.0242, 1, "2,4 %"),
        (1, 0, "100 %"),
        (0.002, 0, "< 1 %"),  # the Explorer's conversion headline said « 0 % »
        (0.005, 0, "< 1 %"),
        (0.0004, 1, "< 0,1 %"),
        (None, 0, fmt.MISSING),
    ],
)
def test_percent(share, decimals, shown):
    assert fmt.percent(share, decimals) == shown.replace(" ", NBSP)
