"""What the centrale brought one commune: the competition's gain and the time saved.

"Ce que la centrale a apporté à votre commune", as the commune page, the
deck and the PDF say it: for the orders the commune had awarded by
`as_of`, the amount gained by putting the two framework providers back into
competition (see `competition`), and the days from order form to award
against the centrale's 20-day promise and against a classic procedure.

The classic-procedure duration is an assumption, not a measure: no source
gives it for the communes of the province. It is shown as an estimate,
with its reasoning, and can be changed (`CENTRALE_CLASSIC_PROCEDURE_DAYS`,
or the field on the commune page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from centrale.cached import cached_query
from centrale.config import AWARD_PROMISE_DAYS, env_text
from centrale.datasets import competition

CLASSIC_PROCEDURE_DAYS = 120
CLASSIC_PROCEDURE_BASIS = (
    "estimation, sans source publiée : une commune qui passe seule son marché écrit le "
    "cahier des charges, consulte, analyse les offres et attribue, soit environ quatre "
    "mois (120 jours)"
)


@dataclass(frozen=True)
class ClassicProcedure:
    """The assumption compared with: its duration and why (`is_estimate`: no source)."""

    days: int
    basis: str
    is_estimate: bool = True

    @property
    def label(self) -> str:
        kind = "estimation" if self.is_estimate else "source"
        return f"procédure classique : {self.days} jours ({kind})"


def classic_procedure(days: int | None = None) -> ClassicProcedure:
    """The assumption in force: `days` if given, else the environment, else the default."""
    if days is None:
        days = int(env_text("CENTRALE_CLASSIC_PROCEDURE_DAYS") or CLASSIC_PROCEDURE_DAYS)
    if days <= 0:
        raise ValueError("la durée d'une procédure classique doit être positive")
    basis = CLASSIC_PROCEDURE_BASIS
    if days != CLASSIC_PROCEDURE_DAYS:
        basis = f"hypothèse choisie : {days} jours (la valeur par défaut est une {basis})"
    return ClassicProcedure(days, basis)


@cached_query
def commune_worth(con, nis: str, as_of: dt.date, classic_days: int | None = None) -> dict:
    """For commune `nis` on `as_of`: what its awarded orders gained and how fast they went.

    Keys: orders (awarded), compared (with at least two offers), gain_eur
    (sum of gains, None when nothing was compared), won_on_quality (orders
    whose chosen offer was dearer), median_lead_days, within_promise (orders
    awarded in `AWARD_PROMISE_DAYS` days or fewer), promise_days,
    classic_days, classic_basis, classic_is_estimate, days_saved (sum over
    the orders of the classic duration minus the actual lead time).
    """
    assumption = classic_procedure(classic_days)
    orders = competition.order_competition(con, as_of, nis)
    compared = orders[orders["gain_eur"].notna()]
    leads = orders["lead_days"].dropna().astype(float)
    return {
        "orders": len(orders),
        "compared": len(compared),
        "gain_eur": float(round(compared["gain_eur"].sum(), 2)) if len(compared) else None,
        "won_on_quality": int((compared["won_on"] == "qualité").sum()),
        "median_lead_days": float(leads.median()) if len(leads) else None,
        "within_promise": int((leads <= AWARD_PROMISE_DAYS).sum()),
        "promise_days": AWARD_PROMISE_DAYS,
        "classic_days": assumption.days,
        "classic_basis": assumption.basis,
        "classic_is_estimate": assumption.is_estimate,
        "days_saved": int((assumption.days - leads).sum()) if len(leads) else None,
    }
