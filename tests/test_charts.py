"""Chart builders on tiny literal frames: traces, French texts, Belgian separators."""

import datetime as dt
import json

import pandas as pd
import pytest

from centrale import domain, fmt
from centrale.render import charts, survey_charts

NBSP = fmt.NBSP


def _texts(fig) -> str:
    """Every text a reader can see or hover, as one string."""
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)


def test_french_layout_sets_belgian_separators_and_title():
    fig = charts.french_layout(charts.go.Figure(), "Titre")
    assert fig.layout.separators == "," + NBSP
    assert fig.layout.title.text == "Titre"


def test_plotly_config_carries_french_locale_inline_and_png_name():
    config = charts.plotly_config("commandes-par-mois")
    assert config["locale"] == "fr-BE"
    months = config["locales"]["fr-BE"]["format"]["months"]
    assert months[1] == "février" and months[7] == "août"
    assert config["locales"]["fr-BE"]["dictionary"]["Download plot as a png"].startswith(
        "Télécharger"
    )
    assert config["toImageButtonOptions"] == {
        "format": "png",
        "filename": "commandes-par-mois",
        "scale": 2,
    }
    assert "toImage" not in config["modeBarButtonsToRemove"]


def test_month_ticks_are_french_and_yearly_on_long_ranges():
    ticks, labels = charts.month_ticks("2019-01-15", "2019-06-30")
    assert labels == ["janv. 2019", "févr. 2019", "mars 2019", "avr. 2019", "mai 2019", "juin 2019"]
    assert ticks[0] == pd.Timestamp("2019-01-01")
    ticks, labels = charts.month_ticks("2019-01-21", "2026-11-24")
    assert labels == [str(y) for y in range(2019, 2027)]
    _, labels = charts.month_ticks("2019-02-01", "2020-01-31")
    assert len(labels) <= 10 and labels[0] == "févr. 2019"


CURVE = pd.DataFrame(
    {
        "day": pd.to_datetime(["2019-01-21", "2020-01-31", "2024-12-02"]),
        "communes_adhered": [1, 23, 33],
        "communes_total": [44, 44, 43],
    }
)


def test_adhesion_curve_draws_the_ceiling_and_extends_to_the_reference_date():
    fig = charts.adhesion_curve(CURVE, dt.date(2026, 11, 24))
    ceiling, adhered = fig.data
    assert "plafond" in ceiling.name
    assert list(ceiling.y) == [44, 44, 43, 43]  # 43 after the merger, up to the date
    assert list(adhered.y) == [1, 23, 33, 33]
    assert adhered.line.shape == ceiling.line.shape == "hv"
    assert pd.Timestamp(adhered.x[-1]) == pd.Timestamp("2026-11-24")
    assert "31/01/2020 : 23 communes adhérentes sur 44 (52" in adhered.customdata[1]
    assert fig.layout.title.text == "Communes adhérentes (cumul)"
    assert any(a.text == "43 communes" for a in fig.layout.annotations)
    assert list(fig.layout.xaxis.ticktext) == [str(y) for y in range(2019, 2027)]
    assert fig.layout.xaxis.hoverformat == "%d/%m/%Y"
    assert adhered.fillcolor == charts.CURVE_FILL == "rgba(0, 114, 178, 0.12)"


def test_tint_gives_a_domain_colour_at_an_opacity():
    assert charts.tint(domain.BLUE, 0.12) == "rgba(0, 114, 178, 0.12)"
    assert charts.tint(domain.VERMILLION, 1) == "rgba(213, 94, 0, 1)"


MONTHLY = pd.DataFrame(
    {
        "month": pd.to_datetime(["2019-02-01", "2019-03-01", "2019-06-01"]),
        "orders_sent": [1, 2, 3],
        "orders_awarded": [1, 1, 2],
    }
)


def test_orders_per_month_two_bar_series_with_french_ticks_and_integer_axis():
    fig = charts.orders_per_month(MONTHLY)
    assert [t.name for t in fig.data] == ["Bons de commande envoyés", "Commandes attribuées"]
    assert fig.layout.barmode == "group"
    assert "févr. 2019" in fig.layout.xaxis.ticktext
    assert fig.layout.yaxis.dtick == 1  # no "1, 1, 2, 2" ticks at halves
    assert fig.data[0].customdata[2] == "juin 2019 : 3 bons envoyés"
    assert fig.layout.title.text == "Commandes par mois"


def test_orders_over_many_years_are_counted_by_quarter():
    monthly = pd.DataFrame(
        {
            "month": pd.to_datetime(["2019-02-01", "2019-03-01", "2026-11-01"]),
            "orders_sent": [1, 2, 1],
            "orders_awarded": [1, 1, 0],
        }
    )
    fig = charts.orders_per_month(monthly)
    assert fig.layout.title.text == "Commandes par trimestre"
    assert list(fig.data[0].y) == [3, 1]  # February and March 2019 in one quarter
    assert fig.data[0].customdata[0] == "T1 2019 : 3 bons envoyés"


BY_SOLUTION = pd.DataFrame(
    {
        "solution_id": ["REPAS", "EGUICHET", "WIFI"],
        "solution": ["Repas scolaires", "E-guichet", "Wi-Fi public communal"],
        "orders_awarded": [4, 3, 0],
        "orders_pending": [0, 1, 0],
        "amount_eur": [39527.14, 1234.5, 0.0],
        "communes": [4, 3, 0],
    }
)


def test_orders_by_solution_stacks_awarded_and_pending_with_belgian_money():
    fig = charts.orders_by_solution(BY_SOLUTION)
    assert [t.name for t in fig.data] == ["Attribuées", "En cours d'attribution"]
    # the sent-not-awarded status's one colour, not ORANGE (« non adhérente »)
    assert fig.data[1].marker.color == domain.SKY_BLUE
    assert fig.layout.barmode == "stack"
    assert list(fig.data[0].y)[-1] == "Repas scolaires"  # largest at the top
    assert f"39{NBSP}527,14{NBSP}€" in _texts(fig)
    assert "1 commande en cours d'attribution" in _texts(fig)


def test_orders_by_solution_without_pending_has_one_series():
    fig = charts.orders_by_solution(BY_SOLUTION.assign(orders_pending=0))
    assert len(fig.data) == 1


def test_lead_time_distribution_marks_the_promise_and_late_bars():
    orders = pd.DataFrame({"lead_days": pd.array([14, 14, 20, 24, None], dtype="Int64")})
    fig = charts.lead_time_distribution(orders)
    bars = fig.data[0]
    assert list(bars.x) == [14, 20, 24] and list(bars.y) == [2, 1, 1]
    assert list(bars.marker.color) == [domain.BLUE, domain.BLUE, charts.LATE]
    line = fig.layout.shapes[0]
    assert line.x0 == line.x1 == 20.5  # between day 20 (kept) and day 21 (late)
    assert any(a.text == "Promesse : 20 jours" for a in fig.layout.annotations)
    assert "3 sur 4 (75" in fig.layout.title.text
    assert bars.customdata[0] == f"14{NBSP}jours : 2 commandes"


SHARES = pd.DataFrame(
    {
        "solution_id": ["TRAVAUX", "TRAVAUX", "AIR"],
        "solution": ["Service travaux", "Service travaux", "Qualité de l'air"],
        "provider": ["Betterstreet", "Voirie Active SRL", "Souffle Mesure SRL"],
        "orders_won": [2, 1, 0],
        "amount_eur": [44629.97, 20781.53, 0.0],
        "median_lead_days": [16.5, 14.0, None],
    }
)


def test_providers_side_by_side_one_labelled_bar_per_provider():
    fig = charts.providers_by_solution(SHARES)
    bars = fig.data[0]
    solutions, providers = bars.y
    assert set(zip(solutions, providers)) == {
        ("Service travaux", "Betterstreet"),
        ("Service travaux", "Voirie Active SRL"),
        ("Qualité de l'air", "Souffle Mesure SRL"),
    }
    assert "0 commande" in bars.text  # a provider that won nothing still shows
    assert "commandes remportées" in fig.layout.title.text


def test_providers_on_amount_and_median_lead_time():
    fig = charts.providers_by_solution(SHARES, "amount_eur")
    assert f"44{NBSP}629,97{NBSP}€" in fig.data[0].text
    fig = charts.providers_by_solution(SHARES, "median_lead_days")
    assert fig.layout.shapes[0].x0 == 20
    assert f"16,5{NBSP}jours" in fig.data[0].text
    with pytest.raises(ValueError):
        charts.providers_by_solution(SHARES, "nope")


BY_PROVINCE = pd.DataFrame(
    {
        "call_year": [2019, 2019, 2021, 2021],
        "prov_nis": ["60000", "80000", "60000", "80000"],
        "province": ["Province de Liège", "Province du Luxembourg"] * 2,
        "population": [1109800, 286752] * 2,
        "projects": [8, 7, 5, 4],
        "amount_eur": [1001999.5, 840000.0, 932750.0, 553500.0],
        "amount_per_inhabitant": [0.902865, 2.929361, 0.84, 1.93],
        "share": [0.2505, 0.21, 0.3731, 0.2214],
    }
)


def test_subsidies_by_province_highlights_the_province():
    one_call = BY_PROVINCE[BY_PROVINCE["call_year"] == 2019]
    fig = charts.subsidies_by_province(one_call, "share")
    bars = fig.data[0]
    colours = dict(zip(bars.y, bars.marker.color))
    assert colours["Province du Luxembourg"] == charts.HIGHLIGHT
    assert colours["Province de Liège"] == charts.MUTED
    assert f"21{NBSP}%" in bars.text
    assert fig.layout.title.text == "Part du subside régional par province — appel à projets 2019"
    fig = charts.subsidies_by_province(one_call, "amount_per_inhabitant")
    assert f"2,93{NBSP}€" in fig.data[0].text


def test_province_share_by_year_one_bar_per_call():
    fig = charts.province_share_by_year(BY_PROVINCE)
    bars = fig.data[0]
    assert list(bars.x) == ["2019", "2021"]
    assert list(bars.text) == [f"21{NBSP}%", f"22{NBSP}%"]
    assert not fig.layout.yaxis.tickformat  # not ".0%", which writes « 20% »
    assert list(fig.layout.yaxis.ticktext) == [f"{p}{NBSP}%" for p in range(0, 31, 5)]


def _percent_ticks(axis) -> list[str]:
    return [] if axis.ticktext is None else list(axis.ticktext)


def test_percent_ticks_are_written_like_fmt_percent_never_20_percent_glued():
    ticks = charts.percent_ticks(1)
    assert ticks["ticktext"] == [f"{p}{NBSP}%" for p in (0, 20, 40, 60, 80, 100)]
    assert ticks["tickvals"] == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert charts.percent_ticks(0.3)["ticktext"][-1] == f"30{NBSP}%"
    assert charts.percent_ticks(0.04)["tickvals"] == [0, 0.01, 0.02, 0.03, 0.04]


def test_every_percent_axis_has_a_space_before_the_percent_sign():
    curve = pd.DataFrame(
        {
            "day": [dt.date(2024, 3, 4), dt.date(2024, 3, 7), dt.date(2024, 3, 14)],
            "days": [0, 3, 10],
            "answered": [0, 5, 9],
            "members_answered": [0, 3, 6],
        }
    )
    curve["share"] = curve["answered"] / 44
    figures = [
        survey_charts.response_curve(curve, 2024, 30, 44),
        charts.province_share_by_year(BY_PROVINCE),
        charts.subsidies_by_province(BY_PROVINCE[BY_PROVINCE["call_year"] == 2019], "share"),
    ]
    for fig in figures:
        ticks = _percent_ticks(fig.layout.yaxis) + _percent_ticks(fig.layout.xaxis)
        assert f"20{NBSP}%" in ticks, fig.layout.title.text
        assert not any(t.endswith("%") and not t.endswith(f"{NBSP}%") for t in ticks)
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert "%" not in (axis.tickformat or "")


def test_subsidies_by_beneficiary_tells_communes_from_other_bodies():
    projects = pd.DataFrame(
        {
            "beneficiary": ["IDELUX Projets publics", "Arlon", "Arlon"],
            "commune": [None, "Arlon", "Arlon"],
            "project": ["Données ouvertes", "Capteurs", "Wi-Fi"],
            "amount_eur": [200000.0, 100000.0, 50000.0],
        }
    )
    fig = charts.subsidies_by_beneficiary(projects)
    assert [t.name for t in fig.data] == ["Communes", "Autres organismes"]
    assert list(fig.data[0].x) == [150000.0]  # Arlon's two projects summed
    assert "2 projets" in fig.data[0].customdata[0]


@pytest.mark.parametrize(
    ("builder", "frame"),
    [
        (charts.adhesion_curve, CURVE.head(0)),
        (charts.orders_per_month, MONTHLY.head(0)),
        (charts.orders_by_solution, BY_SOLUTION.assign(orders_awarded=0, orders_pending=0)),
        (charts.lead_time_distribution, pd.DataFrame({"lead_days": pd.array([], "Int64")})),
        (charts.providers_by_solution, SHARES.head(0)),
        (charts.subsidies_by_province, BY_PROVINCE.head(0)),
        (charts.province_share_by_year, BY_PROVINCE.head(0)),
    ],
)
def test_empty_frames_give_a_french_message_not_a_blank_chart(builder, frame):
    fig = builder(frame)
    assert not fig.data
    assert fig.layout.annotations[0].text.startswith("Aucun")


def test_figures_serialise_for_the_browser():
    for fig in (
        charts.adhesion_curve(CURVE),
        charts.orders_per_month(MONTHLY),
        charts.providers_by_solution(SHARES),
    ):
        assert json.loads(fig.to_json())["layout"]["separators"] == "," + NBSP
