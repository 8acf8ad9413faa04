"""An amount reads the same wherever it was summed."""

from decimal import Decimal

from centrale import fmt


def test_a_total_summed_in_pandas_reads_as_the_same_total_summed_in_sql():
    """Habay's awarded amount read 63 765 € on the commune page (pandas' float sum,
    63 765,4999…) and 63 766 € in the Explorer (DuckDB's exact sum, 63 765,50): the review."""
    amounts = [6458.17, 6030.48, 9253.55, 615.55, 7063.75]
    exact = sum(Decimal(str(a)) for a in amounts)
    assert exact == Decimal("29421.50") and sum(amounts) < 29421.5  # off by a hair
    assert fmt.money(sum(amounts), 0) == fmt.money(float(exact), 0)
    assert fmt.money(sum(amounts)) == fmt.money(float(exact))
