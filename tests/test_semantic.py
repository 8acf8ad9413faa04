"""The semantic layer (`centrale.semantic`) on the demo store: every measure against a
figure written by hand in SQL (or read from the query another page shows) at two
dates, grouped totals equal to the ungrouped figure for additive measures (property
test), the question's address, named views, and no status literal in the layer."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centrale.config import AWARD_PROMISE_DAYS, REPO_ROOT
from centrale.datasets import outreach, queries
from centrale.semantic import DIMENSIONS, METRICS, Question, dimensions_for, gallery, views, window
from centrale.semantic import compile as layer
from centrale.semantic.question import RELATIVE
from tests.conftest import PRESS_DAY

LATE_DAY = dt.date(2026, 11, 24)  # the last day the demo data speaks of
DAYS = (PRESS_DAY, LATE_DAY)

# "Solution prise" and "known on d", written by hand on the raw tables.
_TAKEN = "o.sent_on <= $d AND (o.awarded_on <= $d OR o.status <> 'annulé')"
_AWARDED = "o.awarded_on <= $d"
_NIS = (
    "coalesce((SELECT new_nis FROM commune_mergers m WHERE m.old_nis = {0} "
    "AND m.merged_on <= $d), {0})"
)
HAND_SQL = {
    "orders_sent": f"SELECT count(*) FROM orders o WHERE {_TAKEN}",
    "orders_awarded": f"SELECT count(*) FROM orders o WHERE {_AWARDED}",
    "orders_pending": "SELECT count(*) FROM orders o WHERE o.sent_on <= $d "
    "AND o.status <> 'annulé' AND (o.awarded_on IS NULL OR o.awarded_on > $d)",
    "orders_late": f"SELECT count(*) FROM orders o WHERE {_TAKEN} AND CASE WHEN o.awarded_on <= $d "
    f"THEN o.awarded_on - o.sent_on ELSE $d - o.sent_on END > {AWARD_PROMISE_DAYS}",
    "amount_awarded_eur": f"SELECT coalesce(sum(amount_eur), 0) FROM orders o WHERE {_AWARDED}",
    "median_award_days": f"SELECT median(o.awarded_on - o.sent_on) FROM orders o WHERE {_AWARDED}",
    "mean_award_days": f"SELECT avg(o.awarded_on - o.sent_on) FROM orders o WHERE {_AWARDED}",
    "share_awarded_within_20_days": "SELECT avg(CASE WHEN o.awarded_on - o.sent_on <= "
    f"{AWARD_PROMISE_DAYS} THEN 1 ELSE 0 END) FROM orders o WHERE {_AWARDED}",
    "communes_ordering": f"SELECT count(DISTINCT {_NIS.format('o.commune_nis')}) FROM orders o "
    f"WHERE {_TAKEN}",
    "solutions_ordered": f"SELECT count(DISTINCT solution_id) FROM orders o WHERE {_TAKEN}",
    "population_covered": "SELECT coalesce(sum(population), 0) FROM communes_at($d) WHERE "
    f"nis_code IN (SELECT {_NIS.format('o.commune_nis')} FROM orders o WHERE {_TAKEN})",
    "population_covered_share": "SELECT coalesce(sum(population), 0) / "
    "(SELECT sum(population) FROM communes_at($d)) FROM communes_at($d) WHERE nis_code IN "
    f"(SELECT {_NIS.format('o.commune_nis')} FROM orders o WHERE {_TAKEN})",
    "orders_above_usual": "SELECT count(*) FROM (SELECT o.amount_eur / median(o.amount_eur) "
    f"OVER (PARTITION BY o.solution_id) AS r FROM orders o WHERE {_AWARDED}) WHERE r >= 2",
    "communes_total": "SELECT count(*) FROM communes_at($d)",
    "communes_adhered": "SELECT count(*) FROM communes_at($d) c WHERE EXISTS (SELECT 1 FROM "
    f"adhesions a WHERE {_NIS.format('a.commune_nis')} = c.nis_code AND a.signed_on <= $d "
    "AND (a.withdrawn_on IS NULL OR a.withdrawn_on > $d))",
    "adhesion_rate": "SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM adhesions a WHERE "
    f"{_NIS.format('a.commune_nis')} = c.nis_code AND a.signed_on <= $d AND "
    "(a.withdrawn_on IS NULL OR a.withdrawn_on > $d)))::DOUBLE / count(*) FROM communes_at($d) c",
    "population": "SELECT sum(population) FROM communes_at($d)",
    "conventions_signed": "SELECT count(*) FROM adhesions WHERE signed_on <= $d",
    "communes_answered": f"SELECT count(DISTINCT {_NIS.format('s.commune_nis')}) FROM "
    "survey_answers s WHERE s.submitted_on <= $d",
    "needs_expressed": "SELECT count(*) FROM survey_answers WHERE submitted_on <= $d "
    "AND NOT no_needs",
    "contacts_held": "SELECT count(*) FROM events WHERE held_on <= $d",
    "communes_met": f"SELECT count(DISTINCT {_NIS.format('e.commune_nis')}) FROM events e "
    "WHERE e.held_on <= $d",
    "adhesion_to_award_mean": "SELECT avg(first_award - first_signed) FROM (SELECT "
    f"{_NIS.format('a.commune_nis')} AS nis, min(a.signed_on) AS first_signed FROM adhesions a "
    "WHERE a.signed_on <= $d GROUP BY 1) JOIN (SELECT "
    f"{_NIS.format('o.commune_nis')} AS nis, min(o.awarded_on) AS first_award FROM orders o "
    f"WHERE {_AWARDED} GROUP BY 1) USING (nis)",
    "adhesion_to_award_median": "SELECT median(first_award - first_signed) FROM (SELECT "
    f"{_NIS.format('a.commune_nis')} AS nis, min(a.signed_on) AS first_signed FROM adhesions a "
    "WHERE a.signed_on <= $d GROUP BY 1) JOIN (SELECT "
    f"{_NIS.format('o.commune_nis')} AS nis, min(o.awarded_on) AS first_award FROM orders o "
    f"WHERE {_AWARDED} GROUP BY 1) USING (nis)",
    "survey_conversion": "SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE "
    f"{_NIS.format('o.commune_nis')} = {_NIS.format('s.commune_nis')} AND o.solution_id = "
    f"s.need_solution_id AND {_TAKEN} AND o.sent_on BETWEEN s.submitted_on AND "
    "s.submitted_on + 180) THEN 1 ELSE 0 END) FROM survey_answers s "
    "WHERE s.need_solution_id IS NOT NULL AND s.submitted_on <= $d",
}


def _value(con, question: Question, day: dt.date, key: str):
    value = layer.answer(con, question, day)[key].iloc[0]
    return None if value != value else float(value)  # NaN -> None


def test_every_measure_has_its_hand_written_figure():
    assert set(HAND_SQL) == set(METRICS)


@pytest.mark.parametrize("day", DAYS, ids=str)
@pytest.mark.parametrize("key", sorted(METRICS))
def test_measure_equals_hand_written_sql(con, key, day):
    expected = con.execute(
        HAND_SQL[key].replace("$d", "?::DATE"), [day] * HAND_SQL[key].count("$d")
    ).fetchone()[0]
    got = _value(con, Question((key,)), day, key)
    if expected is None:
        assert got is None or (METRICS[key].additive and got == 0)
    else:
        assert got == pytest.approx(float(expected)), key


def test_press_figures_come_out_of_the_layer(con):
    # DOMAIN.md: 23 communes adhered and 16 orders notified on 31/01/2020.
    assert _value(con, Question(("communes_adhered",)), PRESS_DAY, "communes_adhered") == 23
    assert _value(con, Question(("orders_awarded",)), PRESS_DAY, "orders_awarded") == 16


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_layer_agrees_with_the_pages_queries(con, day):
    """The same fact read through the layer and through the query a page shows."""
    kpis = queries.kpis(con, day)
    for key in (
        "communes_total",
        "communes_adhered",
        "orders_sent",
        "orders_awarded",
        "orders_pending",
        "amount_awarded_eur",
        "median_award_days",
    ):
        assert _value(con, Question((key,)), day, key) == pytest.approx(kpis[key]), key
    assert _value(con, Question(("adhesion_rate",)), day, "adhesion_rate") == pytest.approx(
        kpis["adhesion_rate"]
    )
    assert _value(con, Question(("communes_met",)), day, "communes_met") == outreach.communes_met(
        con, day
    )
    # Population covered per solution: the overview's coverage table.
    coverage = queries.coverage_by_solution(con, day).set_index("solution_id")
    by_solution = layer.answer(con, Question(("population_covered",), ("solution",)), day)
    for key, population in zip(by_solution["solution__key"], by_solution["population_covered"]):
        assert coverage.loc[key, "population"] == population
    # Solutions taken per commune: the map's « solutions commandées ».
    status = queries.commune_status(con, day).set_index("nis_code")
    per_commune = layer.answer(con, Question(("solutions_ordered",), ("commune",)), day)
    taken = dict(zip(per_commune["commune__key"], per_commune["solutions_ordered"]))
    for nis, row in status.iterrows():
        assert row["solutions_ordered"] == taken.get(nis, 0), nis


@pytest.mark.parametrize(
    ("period", "solutions"),
    [("2023", None), ("12m", None), ("2022", ("REPAS", "TRAVAUX"))],
    ids=["2023", "12m", "2022-two-solutions"],
)
def test_the_period_figures_of_the_pages_are_the_layers(con, period, solutions):
    """The overview's and the orders page's figures of a period (`queries.period_figures`,
    `queries.order_counts`), with the sidebar's solution filter, read through the layer."""
    span = window(period, LATE_DAY)
    figures = queries.period_figures(con, LATE_DAY, span.since, span.until, solutions)
    counts = queries.order_counts(con, LATE_DAY, solutions, span.since, span.until)
    filters = (("solution", solutions),) if solutions else ()
    for key in (
        "orders_sent",
        "orders_awarded",
        "orders_pending",
        "orders_late",
        "amount_awarded_eur",
        "median_award_days",
        "share_awarded_within_20_days",
    ):
        question = Question((key,), filters=filters, period=period)
        got = _value(con, question, LATE_DAY, key)
        expected = figures[key]
        if expected is None and key == "amount_awarded_eur":
            expected = 0  # no award: the layer's sum is 0 €, the query's NULL
        if expected is None:
            assert got is None, key
        else:
            assert got == pytest.approx(expected), key
    sent = Question(("orders_sent",), filters=filters, period=period)
    assert _value(con, sent, LATE_DAY, "orders_sent") == counts["sent"]
    assert counts["sent"] > 0


def test_a_period_counts_its_events_only(con):
    whole = _value(con, Question(("orders_awarded",), period="2023"), LATE_DAY, "orders_awarded")
    expected = con.execute(
        "SELECT count(*) FROM orders WHERE awarded_on BETWEEN '2023-01-01' AND '2023-12-31'"
    ).fetchone()[0]
    assert whole == expected
    # A stock is taken at the period's end.
    adhered = _value(
        con, Question(("communes_adhered",), period="2019"), LATE_DAY, "communes_adhered"
    )
    assert adhered == queries.kpis(con, dt.date(2019, 12, 31))["communes_adhered"]


def test_relative_periods_end_on_the_date():
    span = window("30j", LATE_DAY)
    assert (span.since, span.until) == (dt.date(2026, 10, 26), LATE_DAY)
    assert span.label.startswith("30 derniers jours (du 26/10/2026 au 24/11/2026")
    months = window("12m", LATE_DAY)
    assert months.since == dt.date(2025, 11, 25)
    assert set(RELATIVE) <= {"30j", "90j", "12m"}


# --- Property: any measure × any dimension × any filter ------------------------------------
_PAIRS = [(m, d) for m in METRICS for d in [None, *dimensions_for(m)]]
_PERIODS = ["tout", "2021", "2024", "12m", "30j", "2020-03-01..2022-06-30"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pair=st.sampled_from(_PAIRS),
    second=st.sampled_from([None, *DIMENSIONS]),
    filter_dim=st.sampled_from([None, *DIMENSIONS]),
    pick=st.integers(min_value=0, max_value=50),
    period=st.sampled_from(_PERIODS),
    day=st.sampled_from(DAYS),
)
def test_grouped_totals_equal_the_whole_and_nothing_raises(
    con, pair, second, filter_dim, pick, period, day
):
    metric, first = pair
    allowed = dimensions_for(metric)
    by = tuple(d for d in dict.fromkeys([first, second]) if d in allowed)
    filters = ()
    if filter_dim in allowed:
        values = layer.answer(con, Question((metric,), (filter_dim,)), day)
        keys = [k for k in values[f"{filter_dim}__key"] if k is not None]
        if keys:
            filters = ((filter_dim, (str(keys[pick % len(keys)]),)),)
    question = Question((metric,), by, filters, period)
    grouped = layer.answer(con, question, day)
    whole = layer.answer(con, question.with_(by=()), day)[metric].iloc[0]
    if METRICS[metric].additive and by:
        assert grouped[metric].fillna(0).sum() == pytest.approx(0 if whole != whole else whole)
    if by:  # every group is shown once
        assert not grouped.duplicated([f"{d}__key" for d in by]).any()


def test_a_measure_refuses_a_dimension_it_does_not_have(con):
    with pytest.raises(ValueError, match="ne se regroupe pas"):
        layer.answer(con, Question(("adhesion_rate",), ("provider",)), LATE_DAY)
    with pytest.raises(ValueError, match="Mesure inconnue"):
        Question(("drop table orders",))


# --- Cross-source, comparisons, what changed ------------------------------------------------
def test_rows_behind_a_bar_are_its_orders(con):
    question = Question(("orders_awarded",), ("arrondissement",))
    frame = layer.answer(con, question, LATE_DAY)
    for arrondissement, count in zip(frame["arrondissement__key"], frame["orders_awarded"]):
        rows = layer.rows_behind(
            con, question, LATE_DAY, "orders_awarded", {"arrondissement": arrondissement}
        )
        assert len(rows) == count
        assert set(rows["status"]) == {"Attribuée"}  # the domain's label, not `attribué`


def test_only_in_a_not_b_is_a_set_difference(con):
    question = Question(("orders_sent",), ("commune",), period="2023", compare="2022")
    sets = layer.only_in(con, question, LATE_DAY, "commune")

    def communes(year):
        return {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT c.name_fr FROM orders_at(?) o JOIN communes c "
                "ON c.nis_code = o.commune_nis WHERE o.status <> 'annulé' AND year(o.sent_on) = ?",
                [LATE_DAY, year],
            ).fetchall()
        }

    assert set(sets["a_not_b"]) == communes(2023) - communes(2022)
    assert set(sets["b_not_a"]) == communes(2022) - communes(2023)
    compared = layer.compare(con, question, LATE_DAY)
    assert (
        compared["orders_sent__diff"]
        == compared["orders_sent"].fillna(0) - compared["orders_sent__b"].fillna(0)
    ).all()


def test_solutions_without_orders_in_twelve_months(con):
    question = Question(("orders_sent",), ("solution",), period="12m")
    none = layer.without(con, question, LATE_DAY, "solution")
    since = window("12m", LATE_DAY).since
    expected = {
        r[0]
        for r in con.execute(
            "SELECT name_fr FROM solutions WHERE solution_id NOT IN "
            "(SELECT solution_id FROM orders WHERE sent_on BETWEEN ? AND ? AND status <> 'annulé')",
            [since, LATE_DAY],
        ).fetchall()
    }
    assert set(none) == expected


def test_side_by_side_and_what_changed(con):
    table = layer.side_by_side(
        con,
        Question(("orders_awarded",)),
        LATE_DAY,
        ("84009", "81001"),
        ("orders_awarded", "population"),
    )
    assert list(table.columns) == ["metric", "measure", "Bertrix", "Arlon"]
    assert (
        table.set_index("metric").loc["population", "Arlon"]
        == con.execute(
            "SELECT population FROM communes_at(?) WHERE nis_code = '81001'", [LATE_DAY]
        ).fetchone()[0]
    )
    changes = layer.what_changed(con, dt.date(2026, 1, 1), LATE_DAY)
    sent = con.execute(
        "SELECT count(*) FROM orders WHERE sent_on > '2026-01-01' AND "
        "sent_on <= ? AND status <> 'annulé'",
        [LATE_DAY],
    ).fetchone()[0]
    assert (changes["what"] == "Bon de commande envoyé").sum() == sent
    assert changes["day"].is_monotonic_decreasing


def test_gallery_questions_answer(con):
    for start in gallery.starts(LATE_DAY):
        frame = layer.answer(con, start.question, LATE_DAY)
        assert not frame.empty, start.title


# --- The address and named views ------------------------------------------------------------
@given(
    metrics=st.lists(st.sampled_from(sorted(METRICS)), min_size=1, max_size=2, unique=True),
    period=st.sampled_from(_PERIODS + [None]),
    compare=st.sampled_from([None, "2022", "12m"]),
    days=st.integers(1, 3650),
)
def test_a_question_survives_its_address(metrics, period, compare, days):
    by = tuple(dimensions_for(metrics[0])[:1])
    question = Question(
        tuple(metrics), by, (("commune", ("84009", "81001")),), period or "tout", compare, days
    )
    assert Question.from_params(question.to_params()) == question


def test_an_address_with_unknown_words_is_not_guessed():
    assert Question.from_params({"mesures": "nope"}) is None
    question = Question.from_params({"mesures": "orders_awarded,evil", "par": "x,commune"})
    assert question == Question(("orders_awarded",), ("commune",))


def test_named_views_are_kept_beside_the_sources(tmp_path):
    question = Question(("adhesion_rate",), ("arrondissement",), period="2023")
    assert views.read_views(tmp_path) == {}
    views.save_view(tmp_path, "  Adhésions   par arrondissement ", question, "Anne")
    saved = views.read_views(tmp_path)
    assert list(saved) == ["Adhésions par arrondissement"]
    assert views.view_question(saved["Adhésions par arrondissement"]) == question
    assert (tmp_path / views.FILE_NAME).is_file()
    assert views.delete_view(tmp_path, "Adhésions par arrondissement")
    assert views.read_views(tmp_path) == {}
    with pytest.raises(views.ViewsError, match="Donnez un nom"):
        views.save_view(tmp_path, "  ", question, "Anne")
    (tmp_path / views.FILE_NAME).write_text("{pas du json", encoding="utf-8")
    with pytest.raises(views.ViewsError, match="explorateur-vues.json.*illisible"):
        views.read_views(tmp_path)


# --- Statuses and the promise reach SQL through the layer only ------------------------------
def test_no_status_literal_or_promise_in_the_layers_sql():
    literal = re.compile(
        r"'(attribué|envoyé|annulé|adhérente|retirée|non adhérente)'|(?<![#\w])\b20\b"
    )
    for path in (REPO_ROOT / "centrale" / "semantic").glob("*.py"):
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            assert not literal.search(code), f"{path.name}:{number}: {line.strip()}"
