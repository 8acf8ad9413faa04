"""Generate the demo source files of `data/sample/` (IDELUX centrale d'achats Smart).

The dashboard needs realistic inputs to show, test and present, and the real
files of IDELUX staff are not public. This script writes one file per kind of
source, in the formats staff really use (xlsx, Windows-1252 CSV, UTF-8 CSV with
BOM...), so the ETL is exercised on what it will meet.

Rows stated by the press articles (`shared/seeds/`) are fixed by hand; every
other row is illustrative and drawn from seeded `random.Random` generators, so
the output is identical on every run (xlsx files are byte-identical too).

Usage: python scripts/make_sample.py [--out DIR]   (default: data/sample)
The boundaries are read from data/reference/geo (override with CENTRALE_GEO_DIR).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # run as a script: the core is beside it

from centrale.config import settings  # noqa: E402  (the one reading of CENTRALE_GEO_DIR)

SEED = 20190121  # the day the first commune (Bertrix) signed
TODAY = dt.date(2026, 11, 24)
D = dt.date.fromisoformat

PROVINCE_NIS = "80000"
BERTOGNE, BASTOGNE = "82005", "82003"
MERGER_DATE = D("2024-12-02")  # Bertogne merged into Bastogne
PRESS_DATE = D("2020-01-31")  # "23 communes ... 16 commandes" (press, January 2020)

FRAMEWORK_1 = (D("2019-01-15"), D("2023-01-14"))
FRAMEWORK_2 = (D("2023-01-15"), D("2027-01-14"))
FIXED_ZIP_TIME = (2026, 11, 24, 0, 0, 0)

# ---------------------------------------------------------------------------
# Catalogue and framework agreements
# ---------------------------------------------------------------------------

ILLUSTRATIVE = " (illustratif)"

# code, name, category, catalogue, description, amount range of an order (EUR)
SOLUTIONS = [
    (
        "EGUICHET",
        "E-guichet",
        "Services en ligne",
        "1.0",
        "Guichet électronique : commande de documents administratifs en ligne",
        (8000, 18000),
    ),
    (
        "REPAS",
        "Repas scolaires et accueil extrascolaire",
        "Services en ligne",
        "1.0",
        "Réservation et paiement en ligne des repas scolaires et de l'accueil extrascolaire",
        (6000, 15000),
    ),
    (
        "PARTICIPATION",
        "Plateforme de participation citoyenne",
        "Participation citoyenne",
        "1.0",
        "Plateforme de participation citoyenne et de budget participatif",
        (7000, 20000),
    ),
    (
        "CONSULTATION",
        "Consultation citoyenne en ligne",
        "Participation citoyenne",
        "1.0",
        "Consultation des citoyens en ligne (questionnaires, avis sur les projets communaux)",
        (5000, 12000),
    ),
    (
        "ENERGIE",
        "Monitoring énergétique",
        "Environnement et énergie",
        "1.0",
        "Monitoring des consommations énergétiques des bâtiments communaux",
        (12000, 35000),
    ),
    (
        "AIR",
        "Monitoring de la qualité de l'air",
        "Environnement et énergie",
        "1.0",
        "Capteurs et tableau de bord de la qualité de l'air",
        (15000, 40000),
    ),
    (
        "APPLI",
        "Application mobile communale",
        "Communication",
        "1.0",
        "Application mobile communale « … en poche » (actualités, agenda, alertes)",
        (9000, 22000),
    ),
    (
        "TRAVAUX",
        "Service travaux et signalement des incivilités",
        "Gestion communale",
        "1.0",
        "Informatisation du service travaux et signalement des incivilités par les citoyens",
        (10000, 25000),
    ),
    (
        "WIFI",
        "Wi-Fi public communal",
        "Connectivité",
        "1.0",
        "Wi-Fi public gratuit dans les lieux communaux (place, bibliothèque, salles)"
        + ILLUSTRATIVE,
        (12000, 30000),
    ),
    (
        "AFFICHAGE",
        "Affichage dynamique",
        "Communication",
        "1.0",
        "Panneaux d'information numériques aux entrées de village et à l'administration"
        + ILLUSTRATIVE,
        (10000, 28000),
    ),
    (
        "ECLAIRAGE",
        "Éclairage public intelligent",
        "Environnement et énergie",
        "2.0",
        "Télégestion et gradation de l'éclairage public LED" + ILLUSTRATIVE,
        (20000, 40000),
    ),
    (
        "BULLES",
        "Sondes de remplissage des bulles à verre",
        "Environnement et énergie",
        "2.0",
        "Sondes de remplissage des bulles à verre et optimisation des collectes" + ILLUSTRATIVE,
        (8000, 25000),
    ),
    (
        "SALLES",
        "Gestion des salles communales",
        "Gestion communale",
        "2.0",
        "Réservation en ligne et gestion des salles et du matériel communal" + ILLUSTRATIVE,
        (5000, 12000),
    ),
    (
        "CIMETIERES",
        "Gestion numérique des cimetières",
        "Gestion communale",
        "2.0",
        "Cartographie et registre numérique des sépultures et concessions" + ILLUSTRATIVE,
        (6000, 16000),
    ),
]
SOLUTION_NAME = {s[0]: s[1] for s in SOLUTIONS}
SOLUTION_CATALOGUE = {s[0]: s[3] for s in SOLUTIONS}
AMOUNT_RANGE = {s[0]: s[5] for s in SOLUTIONS}

# The record names five providers (be-smartcity.com, 28/01/2020): Betterstreet
# (works service) and Fluicity (participation) with their solution; Civadis,
# LetsGoCity and Flag2000 without one, so the solution we give them is our
# assumption. Every other provider is an invented name. AIR keeps a single
# provider ("dans la mesure du possible"); EGUICHET changed one provider at the
# 2023 renewal.
PROVIDERS_2019 = {
    "EGUICHET": ["Numéria SRL", "Civadis"],
    "REPAS": ["Cantine Facile SRL", "Écoles en Ligne SA"],
    "PARTICIPATION": ["Fluicity", "Agora Civique SRL"],
    "CONSULTATION": ["VoxCité SA", "Agora Civique SRL"],
    "ENERGIE": ["Watt Suivi SRL", "Énergie Claire SRL"],
    "AIR": ["Souffle Mesure SRL"],
    "APPLI": ["PocheApp SRL", "LetsGoCity"],
    "TRAVAUX": ["Betterstreet", "Voirie Active SRL"],
    "WIFI": ["Ardenne Connect SRL", "CitéConnect SA"],
    "AFFICHAGE": ["Panneau Vif SRL", "Flag2000"],
}
PROVIDERS_2023 = {**PROVIDERS_2019, "EGUICHET": ["Numéria SRL", "Formalis SA"]}
PROVIDERS_2023.update(
    {
        "ECLAIRAGE": ["Lumen Commune SA", "Ardenne Connect SRL"],
        "BULLES": ["Verre Plein SRL", "Capteo SRL"],
        "SALLES": ["Agenda Local SRL", "Numéria SRL"],
        "CIMETIERES": ["Mémoria Gestion SRL", "Géoplan Ardenne SRL"],
    }
)


def framework_rows() -> list[tuple[str, str, dt.date, dt.date]]:
    """(code, provider, start, end): catalogue 1.0 in 2019, renewal and 2.0 in 2023."""
    rows = []
    for code, providers in PROVIDERS_2019.items():
        rows += [(code, p, *FRAMEWORK_1) for p in providers]
    for code, providers in PROVIDERS_2023.items():
        rows += [(code, p, *FRAMEWORK_2) for p in providers]
    return rows


def providers_on(frameworks, code: str, day: dt.date) -> list[str]:
    """Providers holding the framework of `code` on `day` (bounds inclusive)."""
    return [p for c, p, start, end in frameworks if c == code and start <= day <= end]


# ---------------------------------------------------------------------------
# Communes
# ---------------------------------------------------------------------------


def geo_dir() -> Path:
    """The repository's copy of the boundaries, unless CENTRALE_GEO_DIR says otherwise."""
    return settings().geo_dir


def load_communes(geo: Path) -> dict[str, dict]:
    """NIS code -> properties of the 581 municipalities (plain JSON, no geopandas).

    Cross-checked against REFNIS so a wrong or truncated boundaries file fails here.
    """
    topo = json.loads((geo / "belgium-municipalities.topojson").read_text("utf-8"))
    communes = {
        g["properties"]["nis"]: g["properties"]
        for g in topo["objects"]["municipalities"]["geometries"]
    }
    with open(geo / "REFNIS_2019.csv", encoding="utf-8-sig", newline="") as f:
        refnis = {row[0] for row in csv.reader(f, delimiter=";") if row}
    lux = [n for n, p in communes.items() if p.get("prov_nis") == PROVINCE_NIS]
    assert len(lux) == 44 and set(lux) <= refnis, "unexpected boundaries file"
    return communes


def fold(text: str) -> str:
    """Case, accents, hyphens and apostrophes folded away (as the ETL matches names)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", bare.lower()).strip()


ALIASES = {"libramont": "84077"}  # the only short name used in the sample files


def commune_resolver(communes: dict[str, dict]):
    """A function: cell written by staff (name, variant or NIS code) -> NIS code."""
    by_key = {
        fold(p["name_fr"]): nis
        for nis, p in communes.items()
        if not p.get("prov_nis") or p["prov_nis"] != PROVINCE_NIS
    }
    by_key.update(
        {
            fold(p["name_fr"]): nis
            for nis, p in communes.items()
            if p.get("prov_nis") == PROVINCE_NIS
        }
    )
    by_key.update(ALIASES)

    def resolve(value) -> str:
        text = str(value).strip()
        if re.fullmatch(r"\d{5}", text):
            assert text in communes, text
            return text
        return by_key[fold(text)]

    return resolve


def name_variants(name: str) -> list[str]:
    """How staff type an official name: without accents and/or without hyphens."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    variants = {bare, name.replace("-", " "), bare.replace("-", " ")}
    variants.discard(name)
    return sorted(variants)


def written(nis: str, communes, rng: random.Random, p_code=0.12, p_variant=0.3) -> str:
    """A commune cell as staff write it: mostly the name, sometimes a variant or the code."""
    name = communes[nis]["name_fr"]
    draw = rng.random()
    if draw < p_code:
        return nis
    if nis == "84077" and draw < p_code + 0.6:
        return "Libramont"
    variants = name_variants(name)
    if variants and draw < p_code + p_variant:
        return rng.choice(variants)
    return name


def lux_nis(communes) -> list[str]:
    return sorted(n for n, p in communes.items() if p.get("prov_nis") == PROVINCE_NIS)


def nis_of(communes, name: str) -> str:
    """NIS code of a commune given its exact official name (typos fail loudly)."""
    hits = [n for n, p in communes.items() if p["name_fr"] == name]
    assert len(hits) == 1, name
    return hits[0]


def weekday(day: dt.date) -> dt.date:
    """The day itself, or the following Monday for a weekend day (offices are closed)."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def weekday_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


# ---------------------------------------------------------------------------
# Adhesions
# ---------------------------------------------------------------------------

# 23 communes by the end of January 2020 (press), first one in January 2019.
# All 9 communes the press names, the 2 of the illustrative early orders, and Bertogne.
ADHESIONS_2019 = [
    ("Bertrix", "2019-01-21"),
    ("Libramont-Chevigny", "2019-02-05"),
    ("Daverdisse", "2019-02-14"),
    ("Arlon", "2019-02-26"),
    ("Martelange", "2019-03-12"),
    ("Attert", "2019-03-20"),
    ("Habay", "2019-04-02"),
    ("Aubange", "2019-04-18"),
    ("Vaux-sur-Sûre", "2019-05-07"),
    ("Marche-en-Famenne", "2019-05-28"),
    ("Bertogne", "2019-06-13"),
    ("Paliseul", "2019-07-02"),
    ("Neufchâteau", "2019-08-20"),
    ("Libin", "2019-09-05"),
    ("Tellin", "2019-09-17"),
    ("Herbeumont", "2019-10-08"),
    ("Etalle", "2019-10-24"),
    ("Saint-Hubert", "2019-11-05"),
    ("Tintigny", "2019-11-21"),
    ("Gouvy", "2019-12-03"),
    ("Durbuy", "2019-12-17"),
    ("Florenville", "2020-01-14"),
    ("Hotton", "2020-01-28"),
]
ADHESIONS_LATER = [
    ("Virton", "2020-03-10"),
    ("Léglise", "2020-06-23"),
    ("Messancy", "2020-10-15"),
    ("La Roche-en-Ardenne", "2021-02-23"),
    ("Vielsalm", "2021-06-08"),
    ("Nassogne", "2021-11-18"),
    ("Bouillon", "2022-03-29"),
    ("Chiny", "2022-09-13"),
    ("Houffalize", "2023-02-21"),
    ("Wellin", "2023-10-05"),
    ("Sainte-Ode", "2024-05-14"),
    ("Rendeux", "2025-04-24"),
    ("Musson", "2026-02-17"),
]
WITHDRAWALS = {"Tellin": "2023-06-30"}  # end of the convention, not renewed


@dataclass
class Adhesion:
    nis: str
    signed: dt.date
    withdrawn: dt.date | None = None


def make_adhesions(communes) -> list[Adhesion]:
    out = []
    for name, signed in ADHESIONS_2019 + ADHESIONS_LATER:
        withdrawn = WITHDRAWALS.get(name)
        assert D(signed).weekday() < 5, (name, signed)  # signed at a council meeting
        out.append(Adhesion(nis_of(communes, name), D(signed), withdrawn and D(withdrawn)))
    return out


def member_on(adhesions: list[Adhesion], nis: str, day: dt.date) -> bool:
    """Whether `nis` may order on `day`; Bastogne inherits Bertogne's adhesion after the merger."""
    if nis == BERTOGNE and day >= MERGER_DATE:
        return False  # the commune no longer exists
    holders = [nis] + ([BERTOGNE] if nis == BASTOGNE and day >= MERGER_DATE else [])
    return any(
        a.nis in holders and a.signed <= day and (a.withdrawn is None or day < a.withdrawn)
        for a in adhesions
    )


# ---------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------


@dataclass
class Order:
    nis: str
    code: str
    sent: dt.date
    awarded: dt.date | None = None
    provider: str | None = None
    amount: float = 0.0
    status: str = "attribué"
    commune_text: str | None = None  # forced spelling, e.g. "Vaux sur Sure"
    solution_text: str | None = None  # forced name instead of the code
    order_id: str = ""


# The 13 orders the press names (January 2020) and 3 illustrative ones, all
# awarded by 31/01/2020: (commune, code, sent, awarded, provider or None, spelling).
EARLY_ORDERS = [
    ("Bertrix", "TRAVAUX", "2019-02-11", "2019-02-28", "Betterstreet", None),
    ("Libramont-Chevigny", "TRAVAUX", "2019-03-06", "2019-03-20", "Voirie Active SRL", "Libramont"),
    ("Bertrix", "EGUICHET", "2019-03-21", "2019-04-05", None, None),
    ("Arlon", "REPAS", "2019-04-02", "2019-04-16", None, None),
    ("Daverdisse", "EGUICHET", "2019-04-17", "2019-05-06", None, "84016"),
    ("Martelange", "APPLI", "2019-05-09", "2019-05-24", None, None),  # "Martelange en poche"
    ("Attert", "REPAS", "2019-05-20", "2019-06-06", None, None),
    ("Bertrix", "APPLI", "2019-06-03", "2019-06-17", None, None),  # "Bertrix en poche"
    ("Daverdisse", "TRAVAUX", "2019-06-19", "2019-07-05", "Betterstreet", None),
    ("Vaux-sur-Sûre", "REPAS", "2019-06-27", "2019-07-12", None, "Vaux sur Sure"),
    # Summer holidays: the one early award that missed the 20-day promise.
    ("Habay", "CONSULTATION", "2019-08-20", "2019-09-13", None, None),
    ("Marche-en-Famenne", "EGUICHET", "2019-09-12", "2019-09-26", None, None),  # illustrative
    ("Aubange", "CONSULTATION", "2019-09-23", "2019-10-11", None, None),
    ("Bertrix", "PARTICIPATION", "2019-10-16", "2019-10-30", "Fluicity", None),
    ("Neufchâteau", "REPAS", "2019-11-13", "2019-11-28", None, "Neufchateau"),  # illustrative
    ("Marche-en-Famenne", "ENERGIE", "2019-12-18", "2020-01-07", None, None),  # illustrative
]
NAMED_PAIRS = [
    ("Bertrix", "TRAVAUX"),
    ("Bertrix", "EGUICHET"),
    ("Bertrix", "APPLI"),
    ("Bertrix", "PARTICIPATION"),
    ("Libramont-Chevigny", "TRAVAUX"),
    ("Daverdisse", "EGUICHET"),
    ("Daverdisse", "TRAVAUX"),
    ("Martelange", "APPLI"),
    ("Arlon", "REPAS"),
    ("Attert", "REPAS"),
    ("Vaux-sur-Sûre", "REPAS"),
    ("Aubange", "CONSULTATION"),
    ("Habay", "CONSULTATION"),
]

# Later orders fixed by hand because each one illustrates a case the dashboard
# must show: (commune, code, sent, lead days or None, status, provider or None).
FIXED_LATER_ORDERS = [
    # Sent before the press count, awarded after it: not one of the 16.
    ("Paliseul", "EGUICHET", "2020-01-20", 18, "attribué", None),
    ("Tellin", "APPLI", "2020-10-06", 15, "attribué", None),  # before Tellin withdrew
    ("Herbeumont", "WIFI", "2021-03-16", None, "annulé", None),
    ("Bertogne", "REPAS", "2021-05-11", 16, "attribué", None),
    ("Virton", "ENERGIE", "2022-07-04", 25, "attribué", None),  # summer: late award
    ("Durbuy", "ECLAIRAGE", "2024-04-08", 29, "attribué", None),  # late award
    ("Gouvy", "BULLES", "2024-10-08", None, "annulé", None),
    # Through Bertogne's adhesion; won by the provider that joined at the 2023 renewal.
    ("Bastogne", "EGUICHET", "2025-03-18", 16, "attribué", "Formalis SA"),
    ("Nassogne", "SALLES", "2026-10-16", None, "envoyé", None),  # pending for 39 days: late
    ("Léglise", "CIMETIERES", "2026-11-06", None, "envoyé", None),
    ("Bertrix", "ECLAIRAGE", "2026-11-17", None, "envoyé", None),
]
# Orders sent per year, the fixed ones included (82 in all).
ORDERS_PER_YEAR = {2020: 11, 2021: 9, 2022: 8, 2023: 10, 2024: 9, 2025: 9, 2026: 10}
SOLUTION_WEIGHT = {
    "EGUICHET": 3,
    "REPAS": 3,
    "TRAVAUX": 3,
    "APPLI": 2,
    "PARTICIPATION": 2,
    "CONSULTATION": 1.5,
    "ENERGIE": 2,
    "AIR": 1,
    "WIFI": 1.5,
    "AFFICHAGE": 1,
    "ECLAIRAGE": 4,
    "BULLES": 2.5,
    "SALLES": 2.5,
    "CIMETIERES": 2.5,
}


# An order's amount is its four-year contract (press: "contrats de quatre ans").
# The ranges are illustrative; four-year totals run above the survey's yearly
# budgets, hence the factor.
FOUR_YEAR_FACTOR = 1.6
PRESS_ORDERS_CENTS = 400_000_00  # the 16 orders of January 2020 (be-smartcity.com, 28/01/2020)


def order_amount(code: str, rng: random.Random) -> float:
    """An illustrative four-year amount (EUR excl. VAT) in the solution's range, to 1 cent."""
    low, high = AMOUNT_RANGE[code]
    return round(rng.uniform(low, high) * FOUR_YEAR_FACTOR, 2)


def scale_to_total(orders: list[Order], total_cents: int) -> None:
    """Rescale the orders' amounts so they sum to exactly `total_cents` (last one absorbs cents)."""
    cents = [round(o.amount * 100) for o in orders]
    scaled = [round(c * total_cents / sum(cents)) for c in cents]
    scaled[-1] += total_cents - sum(scaled)
    for order, value in zip(orders, scaled, strict=True):
        order.amount = value / 100


def make_orders(communes, adhesions, frameworks) -> list[Order]:
    rng = random.Random(f"{SEED}-orders")
    orders: list[Order] = []
    for name, code, sent, awarded, provider, spelling in EARLY_ORDERS:
        sent_d, awarded_d = D(sent), D(awarded)
        provider = provider or rng.choice(providers_on(frameworks, code, awarded_d))
        orders.append(
            Order(
                nis_of(communes, name),
                code,
                sent_d,
                awarded_d,
                provider,
                order_amount(code, rng),
                commune_text=spelling,
            )
        )
    scale_to_total(orders, PRESS_ORDERS_CENTS)
    for name, code, sent, lead, status, provider in FIXED_LATER_ORDERS:
        order = Order(
            nis_of(communes, name), code, D(sent), status=status, amount=order_amount(code, rng)
        )
        if lead is not None:
            order.awarded = D(sent) + dt.timedelta(days=lead)
            order.provider = provider or rng.choice(providers_on(frameworks, code, order.awarded))
        orders.append(order)

    for o in orders:  # hand-written dates fall on working days
        assert o.sent.weekday() < 5 and (o.awarded is None or o.awarded.weekday() < 5), o
    taken = {(o.nis, o.code) for o in orders if o.status != "annulé"}
    population = {n: communes[n]["population"] for n in communes}
    for year, target in ORDERS_PER_YEAR.items():
        start = D(f"{year}-02-03") if year == 2020 else D(f"{year}-01-08")
        end = D("2026-10-09") if year == 2026 else D(f"{year}-12-11")
        while sum(o.sent.year == year for o in orders) < target:
            sent = weekday(start + dt.timedelta(days=rng.randrange((end - start).days)))
            if sent.month == 8 and rng.random() < 0.7:
                continue  # few orders leave during the summer holidays
            lead = rng.randint(8, 20)
            awarded = weekday_before(sent + dt.timedelta(days=lead))
            eligible = [n for n in lux_nis(communes) if member_on(adhesions, n, sent)]
            nis = rng.choices(eligible, [population[n] ** 0.5 for n in eligible])[0]
            # After the merger Bastogne already has what Bertogne ordered.
            owners = {nis, BERTOGNE} if nis == BASTOGNE else {nis}
            codes = [
                c
                for c in SOLUTION_WEIGHT
                if not any((n, c) in taken for n in owners)
                and providers_on(frameworks, c, awarded)
                and (SOLUTION_CATALOGUE[c] == "1.0" or sent >= FRAMEWORK_2[0])
            ]
            if not codes:
                continue
            code = rng.choices(codes, [SOLUTION_WEIGHT[c] for c in codes])[0]
            taken.add((nis, code))
            orders.append(
                Order(
                    nis,
                    code,
                    sent,
                    awarded,
                    rng.choice(providers_on(frameworks, code, awarded)),
                    order_amount(code, rng),
                )
            )

    orders.sort(key=lambda o: (o.sent, o.nis, o.code))
    per_year: dict[int, int] = {}
    for o in orders:
        per_year[o.sent.year] = per_year.get(o.sent.year, 0) + 1
        o.order_id = f"CA-{o.sent.year}-{per_year[o.sent.year]:03d}"
        if o.commune_text is None:
            o.commune_text = written(o.nis, communes, rng)
        if rng.random() < 0.15:
            o.solution_text = SOLUTION_NAME[o.code]
    return orders


# ---------------------------------------------------------------------------
# Offers: the mini-competition behind every order (all illustrative)
# ---------------------------------------------------------------------------

PRICE_POINTS, QUALITY_POINTS = 60, 40  # award criteria weights (illustrative)


@dataclass
class Offer:
    order_id: str
    provider: str
    amount: float
    price_points: float
    quality_points: float
    received: dt.date
    chosen: bool


def _half(value: float) -> float:
    return round(value * 2) / 2


def make_offers(orders: list[Order], frameworks) -> list[Offer]:
    """One offer per framework provider for each awarded order, the winner's = the order.

    The order's provider usually wins on price; about one order in four it is
    dearer and wins on quality. Pending orders older than ten days already
    have their offers, none chosen yet; cancelled orders have none.
    """
    rng = random.Random(f"{SEED}-offers")
    offers: list[Offer] = []
    for o in orders:
        if o.status == "annulé" or (o.status == "envoyé" and (TODAY - o.sent).days < 10):
            continue
        rivals = providers_on(frameworks, o.code, o.sent)
        deadline = o.awarded or TODAY
        span = max(1, (deadline - o.sent).days - 3)
        received = [
            weekday_before(o.sent + dt.timedelta(days=2 + rng.randrange(span))) for _ in rivals
        ]
        if o.awarded is None:  # not yet compared: offers received, none chosen
            for provider, day in zip(rivals, received, strict=True):
                amount = round(o.amount * rng.uniform(0.9, 1.15), 2)
                offers.append(Offer(o.order_id, provider, amount, 0.0, 0.0, day, False))
            continue
        assert o.provider in rivals, (o.order_id, o.provider, rivals)
        other = [p for p in rivals if p != o.provider]
        if not other:  # a single framework provider: no competition
            offers.append(
                Offer(
                    o.order_id,
                    o.provider,
                    o.amount,
                    PRICE_POINTS,
                    _half(rng.uniform(26, 36)),
                    received[0],
                    True,
                )
            )
            continue
        cheapest = rng.random() < 0.75
        factor = rng.uniform(1.04, 1.32) if cheapest else rng.uniform(0.90, 0.975)
        other_amount = round(o.amount * factor, 2)
        low = min(o.amount, other_amount)
        price_won = _half(PRICE_POINTS * low / o.amount)
        price_lost = _half(PRICE_POINTS * low / other_amount)
        if cheapest:
            q_won = _half(rng.uniform(22, 37))
            q_lost = min(_half(rng.uniform(20, 38)), q_won + price_won - price_lost - 0.5)
        else:  # dearer: better quality makes up for the price gap
            q_lost = _half(rng.uniform(18, 30))
            q_won = min(QUALITY_POINTS, q_lost + price_lost - price_won + _half(rng.uniform(1, 6)))
        assert price_won + q_won > price_lost + q_lost, o.order_id
        for provider, day in zip(rivals, received, strict=True):
            mine = provider == o.provider
            offers.append(
                Offer(
                    o.order_id,
                    provider,
                    o.amount if mine else other_amount,
                    price_won if mine else price_lost,
                    q_won if mine else q_lost,
                    day,
                    mine,
                )
            )
    return offers


# ---------------------------------------------------------------------------
# Outreach: meetings and visits (roles, never names)
# ---------------------------------------------------------------------------

# The information meeting (seeds: "34 [communes] étaient représentées, dont 11
# par leur bourgmestre. En tout, une centaine de personnes"). Its date and
# place are invented (DOMAIN.md: 2018–2019; before the first adhesion here).
INFO_MEETING = (D("2018-12-11"), "Séance d'information sur la centrale d'achats Smart")
INFO_REPRESENTED_OTHERS = [  # besides the 23 communes adhered by January 2020
    "Virton",
    "Léglise",
    "Messancy",
    "La Roche-en-Ardenne",
    "Vielsalm",
    "Nassogne",
    "Bouillon",
    "Chiny",
    "Houffalize",
    "Bastogne",
    "Fauvillers",
]
INFO_BY_BOURGMESTRE = [
    "Bertrix",
    "Daverdisse",
    "Martelange",
    "Attert",
    "Habay",
    "Vaux-sur-Sûre",
    "Libramont-Chevigny",
    "Tellin",
    "Herbeumont",
    "Gouvy",
    "Bastogne",
]
INFO_PEOPLE = 100  # "une centaine de personnes": the sample takes it as 100
EVENT_ROLES = [
    "échevin",
    "directeur général",
    "agent communal",
    "conseiller communal",
    "responsable informatique",
    "président du CPAS",
    "conseiller en énergie",
]
# Later contacts, all invented: (date, kind, title, commune, roles, people).
LATER_EVENTS = [
    ("2020-02-18", "présentation au conseil", "", "Virton", "échevin; directeur général", 2),
    ("2020-05-26", "présentation au collège", "", "Léglise", "bourgmestre; échevin", 3),
    ("2020-09-08", "présentation au collège", "", "Messancy", "échevin; agent communal", 2),
    ("2021-01-19", "visite", "", "La Roche-en-Ardenne", "bourgmestre; directeur général", 2),
    ("2021-04-20", "présentation au collège", "", "Vielsalm", "bourgmestre; échevin", 4),
    ("2021-10-12", "visite", "", "Nassogne", "échevin; agent communal", 2),
    ("2022-02-15", "présentation au conseil", "", "Bouillon", "bourgmestre; échevin", 5),
    ("2022-05-17", "visite", "", "Manhay", "échevin", 1),
    ("2022-06-21", "présentation au collège", "", "Chiny", "échevin; directeur général", 2),
    ("2022-10-20", "salon", "Salon des mandataires", "Bastogne", "échevin", 2),
    ("2022-10-20", "salon", "Salon des mandataires", "Fauvillers", "bourgmestre", 1),
    ("2022-10-20", "salon", "Salon des mandataires", "Erezée", "conseiller communal", 1),
    ("2022-10-20", "salon", "Salon des mandataires", "Marche-en-Famenne", "échevin", 2),
    ("2022-11-29", "présentation au collège", "", "Houffalize", "bourgmestre; échevin", 3),
    ("2023-06-13", "présentation au collège", "", "Wellin", "bourgmestre; directeur général", 2),
    ("2024-01-23", "présentation au collège", "", "Sainte-Ode", "échevin; agent communal", 2),
    ("2024-06-11", "visite", "", "Bertrix", "échevin; responsable informatique", 2),
    ("2024-11-26", "présentation au collège", "", "Rendeux", "bourgmestre; échevin", 3),
    ("2025-09-16", "visite", "", "Saint-Léger", "échevin; agent communal", 2),
    ("2025-10-14", "présentation au conseil", "", "Musson", "bourgmestre; échevin", 4),
    ("2026-09-22", "visite", "", "Arlon", "échevin; responsable informatique", 2),
]


@dataclass
class Event:
    day: dt.date
    kind: str
    title: str
    nis: str
    roles: str
    people: int


def make_events(communes) -> list[Event]:
    """The information meeting (34 communes, 11 bourgmestres, 100 people) and later contacts."""
    rng = random.Random(f"{SEED}-events")
    represented = [name for name, _ in ADHESIONS_2019] + INFO_REPRESENTED_OTHERS
    assert len(set(represented)) == 34 and set(INFO_BY_BOURGMESTRE) <= set(represented)
    rows = []
    for name in represented:
        roles = rng.sample(EVENT_ROLES, rng.choice((1, 1, 2)))
        if name in INFO_BY_BOURGMESTRE:
            roles = ["bourgmestre", *roles[:1]]
        rows.append([name, roles, len(roles) + rng.choice((0, 1, 1, 2))])
    while (total := sum(r[2] for r in rows)) != INFO_PEOPLE:
        row = rng.choice(rows)
        row[2] += 1 if total < INFO_PEOPLE else -1
        row[2] = max(row[2], len(row[1]))
    day, title = INFO_MEETING
    events = [
        Event(day, "séance d'information", title, nis_of(communes, n), "; ".join(r), people)
        for n, r, people in rows
    ]
    for when, kind, title, name, roles, people in LATER_EVENTS:
        assert D(when).weekday() < 5, when
        events.append(Event(D(when), kind, title, nis_of(communes, name), roles, people))
    return events


# ---------------------------------------------------------------------------
# Subsidies
# ---------------------------------------------------------------------------

SMART_CALL_2019 = "Appel à projets Territoire intelligent (Smart Région)"
# The second call (submissions until 13/10/2023): 34 laureates in a first
# phase, 46 more in a second phase in 2024 (Digital Wallonia). No 2021 call.
CALL_2023 = "Appel à projets Territoire intelligent 2023 – première phase"
CALL_2024 = "Appel à projets Territoire intelligent 2023 – seconde phase"
LATER_CALLS = {  # year -> (call, laureates, of which in the province, total in cents)
    2023: (CALL_2023, 34, 6, 5_200_000_00),  # totals and Luxembourg counts: invented
    2024: (CALL_2024, 46, 9, 6_900_000_00),
}
# 2019 call (regional-it.be 11/01 and 31/05/2019, UVCW 17/01/2019): 4 M EUR,
# 88 applications, 43 laureates, grants from 20 000 to 275 000 EUR, 17 above
# 100 000 EUR and 26 below. RTBF: 10 laureates from the province plus the
# joint IDELUX–BEP project; the seeds give the province 21 % (840 000 EUR).
CALL_2019_APPLICATIONS = 88
CALL_2019_LAUREATES = 43
CALL_2019_ABOVE_100K = 17
GRANT_MIN_CENTS, GRANT_MAX_CENTS = 20_000_00, 275_000_00
JOINT_PROJECT = "IDELUX – BEP (projet commun)"
# (beneficiary, project, amount in cents). Communes and the projects of Aubange,
# Nassogne, Attert, Bertrix, Martelange and of the joint project are named by
# the press; Arlon, Marche-en-Famenne and Libramont-Chevigny, the titles of
# Bastogne and La Roche-en-Ardenne and every amount are invented.
LUX_2019 = [
    ("Arlon", "Capteurs de stationnement et guidage en centre-ville", 150_000_00),
    ("Marche-en-Famenne", "Jumeau numérique du centre-ville", 125_000_00),
    ("Bastogne", "Tourisme connecté : balades numériques et comptage des visiteurs", 110_000_00),
    ("Libramont-Chevigny", "Monitoring énergétique des bâtiments communaux", 60_000_00),
    ("Aubange", "Consultation citoyenne en ligne", 45_000_00),
    ("Nassogne", "Distribution intelligente de l'eau potable", 55_000_00),
    ("Attert", "Distribution intelligente de l'eau potable", 52_500_00),
    ("Bertrix", "Surveillance environnementale connectée", 62_500_00),
    ("Martelange", "Application communale du commerce local et du tourisme", 35_000_00),
    ("La Roche-en-Ardenne", "Comptage des visiteurs et information touristique", 50_000_00),
    (JOINT_PROJECT, "Réservation de véhicules partagés (mobilité partagée)", 95_000_00),
]
# The two largest grants (regional-it.be, 31/05/2019), and the smallest (invented who).
LARGEST_2019 = [
    ("SPI", "Mind your Territory", 275_000_00),
    ("Ottignies-Louvain-la-Neuve", "ShutLLN", 275_000_00),
]
TOTAL_2019_CENTS = 4_000_000_00
PROVINCE_NAMES = {
    "50000": "Hainaut",
    "60000": "Liège",
    "90000": "Namur",
    "20002": "Brabant wallon",
    "80000": "Luxembourg",
}
BODY_PROVINCE = {
    JOINT_PROJECT: "Luxembourg",  # led from the province (our assumption)
    "Province de Namur": "Namur",
    "SPI": "Liège",
}
# The other 30 laureates of 2019 (invented): communes by NIS code, or a body.
OTHER_2019 = [
    "52011",
    "53053",
    "58001",
    "57081",
    "57096",
    "51004",
    "55040",
    "56078",
    "52021",
    "55004",  # Hainaut
    "62063",
    "63079",
    "61031",
    "64074",
    "62108",
    "63049",
    "62022",
    "63035",  # Liège
    "92094",
    "92142",
    "91034",
    "91114",
    "93014",
    "91030",
    "92003",  # Namur
    "Province de Namur",
    "25112",
    "25072",
    "25048",
    "25014",  # Brabant wallon
]
PROJECTS = [
    "Plateforme de participation citoyenne",
    "Capteurs de qualité de l'air aux abords des écoles",
    "Éclairage public intelligent",
    "Parkings intelligents en centre-ville",
    "Monitoring énergétique des bâtiments communaux",
    "Wi-Fi public en centre-ville",
    "Jumeau numérique du territoire",
    "Guichet électronique et paiement en ligne",
    "Application mobile communale",
    "Gestion intelligente des déchets",
    "Comptage des cyclistes et des piétons",
    "Tourisme connecté",
    "Plateforme de covoiturage local",
    "Télérelève des compteurs d'eau",
    "Observatoire des données ouvertes",
    "Bornes de recharge connectées",
    "Capteurs de bruit en zone urbaine",
    "Gestion des salles et du matériel en ligne",
    "Signalement citoyen et suivi des interventions",
    "Sondes de remplissage des bulles à verre",
]


def split_cents(total: int, n: int, rng: random.Random, low=0.45, high=1.8) -> list[int]:
    """`n` positive amounts (cents) summing exactly to `total`, mostly round, a few with 50 c."""
    weights = [rng.uniform(low, high) for _ in range(n)]
    parts = [round(total * w / sum(weights) / 25_000) * 25_000 for w in weights]  # 250 EUR
    parts[parts.index(max(parts))] += total - sum(parts)
    up, down = rng.sample(range(n), 2)  # two amounts with cents, sum unchanged
    parts[up] += 50
    parts[down] -= 50
    assert sum(parts) == total and min(parts) > 0
    return parts


def banded_cents(total: int, bands: list[tuple[int, int]], rng: random.Random) -> list[int]:
    """One amount per band (low, high) in cents, multiples of 250 EUR, summing to `total`.

    Drawn uniformly in each band, then nudged 250 EUR at a time, inside the
    bands, until the sum is exact: the 2019 call's "17 above 100 000 EUR and 26
    below" must survive the fitting.
    """
    step = 25_000
    parts = [rng.randrange(low // step, high // step + 1) * step for low, high in bands]
    assert sum(lo for lo, _ in bands) <= total <= sum(hi for _, hi in bands)
    while sum(parts) != total:
        i = rng.randrange(len(parts))
        low, high = bands[i]
        delta = step if sum(parts) < total else -step
        if low <= parts[i] + delta <= high:
            parts[i] += delta
    return parts


def project_titles(n: int, rng: random.Random) -> list[str]:
    """`n` project titles, each used once before any repeats."""
    titles: list[str] = []
    while len(titles) < n:
        titles += rng.sample(PROJECTS, len(PROJECTS))
    return titles[:n]


def make_subsidies(communes) -> list[tuple[str, int, str, str, int, str]]:
    """(call, year, beneficiary, project, amount in cents, province of a body or '')."""
    rng = random.Random(f"{SEED}-subsidies")
    rows = []
    for who, project, cents in LUX_2019 + LARGEST_2019:
        rows.append((SMART_CALL_2019, 2019, who, project, cents, BODY_PROVINCE.get(who, "")))
    fixed = rows[:]
    above_left = CALL_2019_ABOVE_100K - sum(r[4] > 100_000_00 for r in fixed)
    below = (GRANT_MIN_CENTS, 97_500_00)
    above = (102_500_00, 250_000_00)
    bands = [above] * above_left + [below] * (len(OTHER_2019) - above_left - 1)
    bands.append((GRANT_MIN_CENTS, GRANT_MIN_CENTS))  # the smallest grant the call allowed
    amounts = banded_cents(TOTAL_2019_CENTS - sum(r[4] for r in fixed), bands, rng)
    order = rng.sample(range(len(OTHER_2019)), len(OTHER_2019))
    projects = project_titles(len(OTHER_2019), rng)
    for i, who, project in zip(order, OTHER_2019, projects, strict=True):
        name = who if who in BODY_PROVINCE else communes[who]["name_fr"]
        rows.append((SMART_CALL_2019, 2019, name, project, amounts[i], BODY_PROVINCE.get(who, "")))

    # By NIS prefix, not by the file's region field: the boundaries file puts
    # Messines/Mesen (33016, West Flanders) in Hainaut.
    walloon = sorted(n for n in communes if n.startswith(("25", "5", "6", "9")))
    for year, (call, laureates, n_lux, total) in LATER_CALLS.items():
        lux = rng.sample([n for n in lux_nis(communes) if n != BERTOGNE], n_lux)
        other = rng.sample(walloon, laureates - n_lux)
        amounts = split_cents(total, laureates, rng)
        for nis, cents, project in zip(
            lux + other, amounts, project_titles(len(amounts), rng), strict=True
        ):
            rows.append((call, year, communes[nis]["name_fr"], project, cents, ""))
    return rows


def euro_text(cents: int) -> str:
    """12 500,00: Belgian format (space thousands, decimal comma)."""
    whole, rest = divmod(cents, 100)
    return f"{whole:,}".replace(",", " ") + f",{rest:02d}"


# ---------------------------------------------------------------------------
# Needs survey
# ---------------------------------------------------------------------------

# The first needs survey, "à l'été 2017" (seeds), before the centrale opened: it is
# what showed the communes' needs and shaped catalogue 1.0. The season is public;
# the dates, who answered and every answer are invented.
FIRST_SURVEY_YEAR = 2017
CAMPAIGNS = {
    FIRST_SURVEY_YEAR: ("2017-06-26", "2017-09-15"),
    2020: ("2020-03-02", "2020-05-29"),  # the "2.0" survey; deadline pushed back (lockdown)
    2021: ("2021-03-01", "2021-04-30"),
    2022: ("2022-03-07", "2022-04-29"),
    2023: ("2023-03-06", "2023-04-28"),
    2024: ("2024-03-04", "2024-04-30"),
    2025: ("2025-03-03", "2025-04-30"),
    2026: ("2026-03-02", "2026-04-30"),
}
LATE_DAYS = 21  # answers still accepted this long after the deadline
NO_NEED = "aucun besoin"
# Needs that became the 2.0 catalogue: written as labels until 2.0 exists (2023).
NEEDS_BEFORE_2_0 = {SOLUTION_NAME[c]: c for c in ("ECLAIRAGE", "BULLES", "SALLES", "CIMETIERES")}
# New needs, outside every catalogue, whose number of communes grows each year.
GROWING_NEEDS = {
    "Capteurs de stationnement": {2022: 2, 2023: 3, 2024: 4, 2025: 5, 2026: 6},
    "Cybersécurité des systèmes communaux": {2023: 1, 2024: 2, 2025: 4, 2026: 5},
    "Bornes de recharge pour véhicules électriques": {
        2021: 1,
        2022: 2,
        2023: 2,
        2024: 3,
        2025: 3,
        2026: 4,
    },
}
OTHER_NEEDS = {"Télérelève des compteurs d'eau": 2024}  # label -> first year it appears
NEED_BUDGET = {
    **AMOUNT_RANGE,
    "Capteurs de stationnement": (15000, 45000),
    "Cybersécurité des systèmes communaux": (8000, 25000),
    "Bornes de recharge pour véhicules électriques": (20000, 60000),
    "Télérelève des compteurs d'eau": (15000, 50000),
}
NEED_BUDGET.update({label: AMOUNT_RANGE[code] for label, code in NEEDS_BEFORE_2_0.items()})
ROLES = [
    "Directeur général",
    "Directrice générale",
    "Échevin du numérique",
    "Échevine de la transition numérique",
    "Bourgmestre",
    "Responsable informatique",
    "Conseiller en énergie",
    "Conseillère en environnement",
    "Agent smart city",
    "Employée d'administration",
]
COMMENTS = [
    "Demande du collège communal",
    "Sous réserve d'un subside",
    "À prévoir au budget extraordinaire",
    "Projet inscrit au PST",
    "En lien avec le PCDR",
    "Demande récurrente des citoyens",
    "À mutualiser avec les communes voisines",
    "Accompagnement d'IDELUX souhaité",
    "Test souhaité sur un bâtiment pilote",
    "Priorité de la législature",
]
NO_NEED_COMMENTS = [
    "Pas de nouveau projet cette année",
    "Solutions déjà en place",
    "Budget communal contraint",
    "",
]


def campaign(year: int) -> tuple[dt.date, dt.date]:
    sent, deadline = CAMPAIGNS[year]
    return D(sent), D(deadline)


def make_first_survey(communes, adhesions, orders) -> list[tuple]:
    """Rows of the summer-2017 survey, as `make_survey` writes them.

    Nobody was a member yet. The communes that adhered by January 2020 answered
    more often, and a commune that ordered by January 2020 had asked for
    what it ordered (up to four needs): the survey is where the catalogue came
    from. Needs are written by their French name (no codes existed in 2017),
    2.0 needs as the labels the later surveys use. Its own random stream, so the
    yearly surveys' rows do not move.
    """
    rng = random.Random(f"{SEED}-survey-{FIRST_SURVEY_YEAR}")
    year = FIRST_SURVEY_YEAR
    sent, deadline = campaign(year)
    early_members = {a.nis for a in adhesions if a.signed <= PRESS_DATE}
    asked: dict[str, list[str]] = {}
    for o in sorted(orders, key=lambda o: o.sent):
        if o.sent <= PRESS_DATE and o.status != "annulé" and o.code not in asked.get(o.nis, []):
            asked.setdefault(o.nis, []).append(o.code)
    answering = [
        n for n in lux_nis(communes) if rng.random() < (0.8 if n in early_members else 0.5)
    ]
    answering += [n for n in asked if n not in answering]  # who ordered had said so
    no_need = set(rng.sample([n for n in answering if n not in early_members | set(asked)], 2))
    pool = [c for c in SOLUTION_WEIGHT if SOLUTION_CATALOGUE[c] == "1.0"]
    pool += ["ECLAIRAGE", "SALLES"]  # wishes that became 2.0 solutions
    weights = [SOLUTION_WEIGHT[c] for c in pool]
    roles = [r for r in ROLES if r != "Agent smart city"]  # no such post in 2017
    rows = []
    for nis in sorted(answering):
        day = weekday(sent + dt.timedelta(days=rng.randint(3, (deadline - sent).days)))
        if rng.random() < 0.1:
            day = weekday(deadline + dt.timedelta(days=rng.randint(1, LATE_DAYS - 3)))
        role, cell = rng.choice(roles), written(nis, communes, rng)
        if nis in no_need:
            rows.append((year, cell, NO_NEED, None, None, None, day, role, None))
            continue
        needs = asked.get(nis, [])[:4]
        wanted = min(4, len(needs) + rng.choice([0, 1, 1, 2]), max(len(needs), 3))
        while len(needs) < max(wanted, 1):
            pick = rng.choices(pool, weights)[0]
            if pick not in needs:
                needs.append(pick)
        for i, code in enumerate(needs):
            budget = None
            if rng.random() < 0.3:
                low, high = AMOUNT_RANGE[code]
                budget = round(rng.uniform(low, high) / 500) * 500
            comment = rng.choice(COMMENTS[:7]) if rng.random() < 0.2 else None
            horizon = year + rng.choice([1, 1, 2, 3])
            rows.append(
                (
                    year,
                    cell,
                    SOLUTION_NAME[code],
                    min(i + 1, 3),
                    horizon,
                    budget,
                    day,
                    role,
                    comment,
                )
            )
    return sorted(rows, key=lambda r: r[6])


def make_survey(communes, adhesions, orders) -> list[tuple]:
    """Rows (year, commune cell, need, priority, horizon, budget, date, respondent, comment)."""
    rows = make_first_survey(communes, adhesions, orders)
    rng = random.Random(f"{SEED}-survey")
    holders: dict[str, list[str]] = {label: [] for label in GROWING_NEEDS}
    for year in CAMPAIGNS:
        if year == FIRST_SURVEY_YEAR:
            continue
        sent, deadline = campaign(year)
        surveyed = [n for n in lux_nis(communes) if not (n == BERTOGNE and sent >= MERGER_DATE)]
        members = {n for n in surveyed if member_on(adhesions, n, sent)}
        answer_rate = {True: 0.92 if year == 2020 else 0.85, False: 0.45 if year == 2020 else 0.3}
        answering = [n for n in surveyed if rng.random() < answer_rate[n in members]]
        outsiders = [n for n in answering if n not in members] or answering
        no_need = set(rng.sample(outsiders, min(len(outsiders), rng.randint(1, 2))))
        if rng.random() < 0.4:
            no_need.add(rng.choice(sorted(set(answering) & members - no_need)))

        # Growing needs: keep last year's communes that answer, add new ones.
        forced: dict[str, list[str]] = {n: [] for n in answering}
        for label, counts in GROWING_NEEDS.items():
            target = counts.get(year, 0)
            keep = [n for n in holders[label] if n in forced and n not in no_need][:target]
            pool = [
                n for n in answering if n not in no_need and n not in keep and len(forced[n]) < 3
            ]
            keep += rng.sample(pool, target - len(keep))
            holders[label] = keep
            for n in keep:
                forced[n].append(label)

        for nis in answering:
            own = {nis, BERTOGNE} if nis == BASTOGNE and sent >= MERGER_DATE else {nis}
            ordered = {
                o.code
                for o in orders
                if o.nis in own and o.status == "attribué" and o.awarded < sent
            }
            day = weekday(sent + dt.timedelta(days=rng.randint(3, (deadline - sent).days)))
            if rng.random() < 0.12:  # late answer, after the deadline
                day = weekday(deadline + dt.timedelta(days=rng.randint(1, LATE_DAYS - 3)))
            role = rng.choice(ROLES)
            cell = written(nis, communes, rng)
            if nis in no_need:
                rows.append(
                    (
                        year,
                        cell,
                        NO_NEED,
                        None,
                        None,
                        None,
                        day,
                        role,
                        rng.choice(NO_NEED_COMMENTS) or None,
                    )
                )
                continue
            pool = [
                c
                for c in SOLUTION_WEIGHT
                if c not in ordered and (SOLUTION_CATALOGUE[c] == "1.0" or year >= 2023)
            ]
            if year < 2023:
                pool += list(NEEDS_BEFORE_2_0)
            pool += [label for label, first in OTHER_NEEDS.items() if year >= first]
            weights = [
                (4 if year == 2020 and p in NEEDS_BEFORE_2_0 else SOLUTION_WEIGHT.get(p, 1.5))
                for p in pool
            ]
            wanted = max(len(forced[nis]), rng.choices([1, 2, 3, 4], [3, 4, 3, 1])[0])
            needs = list(forced[nis])
            while len(needs) < wanted:
                pick = rng.choices(pool, weights)[0]
                if pick not in needs:
                    needs.append(pick)
            rng.shuffle(needs)
            priority = 0
            for i, need in enumerate(needs):
                if i == 0 or priority < 3 and rng.random() < 0.8:
                    priority += 1
                low, high = NEED_BUDGET[need]
                budget = round(rng.uniform(low, high) / 500) * 500 if rng.random() < 0.5 else None
                comment = rng.choice(COMMENTS) if rng.random() < 0.25 else None
                horizon = year + rng.choice([0, 1, 1, 2]) + (priority == 3)
                rows.append((year, cell, need, priority, horizon, budget, day, role, comment))
    # As a forms tool exports them: by year, then in the order answers came in.
    return sorted(rows, key=lambda r: (r[0], r[6]))


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def write_xlsx(
    path: Path,
    sheet: str,
    headers: list[str],
    rows: list[list],
    formats: dict[str, str],
    widths: dict[str, int],
) -> None:
    """One sheet with a bold header, Belgian number/date formats, byte-identical across runs."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for idx, header in enumerate(headers, start=1):
        letter = ws.cell(row=1, column=idx).column_letter
        ws.column_dimensions[letter].width = widths.get(header, 16)
        if header in formats:
            for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                cell.number_format = formats[header]
    ws.freeze_panes = "A2"
    wb.properties.creator = "IDELUX Projets publics (données de démonstration)"
    wb.properties.created = dt.datetime(*FIXED_ZIP_TIME)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed timestamps so regenerating does not change committed bytes."""
    stamp = dt.datetime(*FIXED_ZIP_TIME).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), content
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, content)
    return out.getvalue()


def write_csv(path: Path, headers, rows, encoding: str, delimiter: str) -> None:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))  # cp1252 fails loudly on a stray char


def fr_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


DATE_FMT, MONEY_FMT = "DD/MM/YYYY", "#,##0.00"


def write_all(out: Path) -> dict[str, int]:
    """Write every sample file into `out`; returns the number of data rows per file."""
    communes = load_communes(geo_dir())
    frameworks = framework_rows()
    adhesions = make_adhesions(communes)
    orders = make_orders(communes, adhesions, frameworks)
    subsidies = make_subsidies(communes)
    survey = make_survey(communes, adhesions, orders)
    offers = make_offers(orders, frameworks)
    events = make_events(communes)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}

    write_xlsx(
        out / "solutions.xlsx",
        "solutions",
        ["code", "solution", "catégorie", "catalogue", "description"],
        [list(s[:5]) for s in SOLUTIONS],
        {"catalogue": "@"},
        {"solution": 44, "catégorie": 26, "description": 90},
    )
    counts["solutions.xlsx"] = len(SOLUTIONS)

    write_xlsx(
        out / "framework.xlsx",
        "framework",
        ["code", "prestataire", "début", "fin"],
        [list(r) for r in frameworks],
        {"début": DATE_FMT, "fin": DATE_FMT},
        {"prestataire": 26, "début": 12, "fin": 12},
    )
    counts["framework.xlsx"] = len(frameworks)

    rng = random.Random(f"{SEED}-adhesions")
    write_csv(
        out / "adhesions.csv",
        ["commune", "date de signature", "date de retrait"],
        [
            [written(a.nis, communes, rng), fr_date(a.signed), fr_date(a.withdrawn)]
            for a in adhesions
        ],
        "cp1252",
        ";",
    )
    counts["adhesions.csv"] = len(adhesions)

    write_xlsx(
        out / "orders.xlsx",
        "orders",
        [
            "n° de commande",
            "commune",
            "solution",
            "date d'envoi du bon de commande",
            "date d'attribution",
            "adjudicataire",
            "montant HTVA",
            "statut",
        ],
        [
            [
                o.order_id,
                o.commune_text,
                o.solution_text or o.code,
                o.sent,
                o.awarded,
                o.provider,
                o.amount,
                o.status,
            ]
            for o in orders
        ],
        {
            "date d'envoi du bon de commande": DATE_FMT,
            "date d'attribution": DATE_FMT,
            "montant HTVA": MONEY_FMT,
            "commune": "@",
        },
        {
            "n° de commande": 14,
            "commune": 22,
            "solution": 44,
            "date d'envoi du bon de commande": 16,
            "date d'attribution": 14,
            "adjudicataire": 24,
            "montant HTVA": 14,
            "statut": 10,
        },
    )
    counts["orders.xlsx"] = len(orders)

    write_csv(
        out / "subsidies.csv",
        ["appel à projets", "année", "bénéficiaire", "projet", "montant", "province"],
        [[c, y, b, p, euro_text(cents), prov] for c, y, b, p, cents, prov in subsidies],
        "utf-8-sig",
        ";",
    )
    counts["subsidies.csv"] = len(subsidies)

    write_xlsx(
        out / "survey.xlsx",
        "survey",
        [
            "année",
            "commune",
            "besoin",
            "priorité",
            "horizon",
            "budget",
            "date de réponse",
            "répondant",
            "commentaire",
        ],
        [list(r) for r in survey],
        {"budget": MONEY_FMT, "date de réponse": DATE_FMT, "commune": "@"},
        {"commune": 22, "besoin": 44, "date de réponse": 14, "répondant": 34, "commentaire": 40},
    )
    counts["survey.xlsx"] = len(survey)

    write_csv(
        out / "campaigns.csv",
        ["année", "date d'envoi", "date limite"],
        [[y, s, d] for y, (s, d) in CAMPAIGNS.items()],
        "utf-8",
        ",",
    )
    counts["campaigns.csv"] = len(CAMPAIGNS)

    write_xlsx(
        out / "offers.xlsx",
        "offres",
        [
            "n° de commande",
            "prestataire",
            "montant HTVA",
            "points prix",
            "points qualité",
            "date de réception",
            "retenue",
        ],
        [
            [
                f.order_id,
                f.provider,
                f.amount,
                f.price_points if f.price_points or f.chosen else None,
                f.quality_points if f.quality_points or f.chosen else None,
                f.received,
                "oui" if f.chosen else "non",
            ]
            for f in offers
        ],
        {"montant HTVA": MONEY_FMT, "date de réception": DATE_FMT},
        {"n° de commande": 14, "prestataire": 24, "montant HTVA": 14, "date de réception": 14},
    )
    counts["offers.xlsx"] = len(offers)

    rng = random.Random(f"{SEED}-events-spelling")
    write_xlsx(
        out / "events.xlsx",
        "rencontres",
        ["date", "type", "intitulé", "commune", "rôles des présents", "nombre de personnes"],
        [
            [e.day, e.kind, e.title or None, written(e.nis, communes, rng), e.roles, e.people]
            for e in events
        ],
        {"date": DATE_FMT, "commune": "@"},
        {"type": 24, "intitulé": 50, "commune": 22, "rôles des présents": 36},
    )
    counts["events.xlsx"] = len(events)
    return counts


# ---------------------------------------------------------------------------
# Self-check: read the files back as the ETL will, and assert the press figures
# ---------------------------------------------------------------------------


def check(out: Path) -> None:
    """Assert the sample reproduces the press figures and obeys DATA-CONTRACT.md."""
    import pandas as pd

    communes = load_communes(geo_dir())
    resolve = commune_resolver(communes)
    solutions = pd.read_excel(out / "solutions.xlsx", sheet_name="solutions", dtype=str)
    by_name = dict(zip(solutions["solution"], solutions["code"], strict=True))
    codes = set(solutions["code"])
    assert solutions["code"].is_unique and len(solutions) == 14
    assert (solutions["catalogue"] == "1.0").sum() == 10

    fw = pd.read_excel(out / "framework.xlsx", sheet_name="framework")
    fw["début"], fw["fin"] = fw["début"].dt.date, fw["fin"].dt.date
    assert set(fw["code"]) == codes
    for day in sorted(set(fw["début"]) | set(fw["fin"])):
        active = fw[(fw["début"] <= day) & (day <= fw["fin"])].groupby("code").size()
        assert active.max() <= 2, (day, active.idxmax())

    def holds(code, provider, day) -> bool:
        rows = fw[(fw["code"] == code) & (fw["prestataire"] == provider)]
        return bool(((rows["début"] <= day) & (day <= rows["fin"])).any())

    def parse(series):
        return pd.to_datetime(series, format="%d/%m/%Y").dt.date

    adh = pd.read_csv(
        out / "adhesions.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False
    )
    adh["nis"] = adh["commune"].map(resolve)
    adh["signed"] = parse(adh["date de signature"])
    adh["withdrawn"] = [
        parse(pd.Series([v])).iloc[0] if v else None for v in adh["date de retrait"]
    ]
    assert adh["nis"].is_unique and BASTOGNE not in set(adh["nis"])  # one adhesion each
    assert all(w is None or w >= s for s, w in zip(adh["signed"], adh["withdrawn"], strict=True))
    assert adh["nis"].str[:1].eq("8").all()

    def adhered(nis, day) -> bool:
        if nis == BERTOGNE and day >= MERGER_DATE:
            return False
        holders = {nis} | ({BERTOGNE} if nis == BASTOGNE and day >= MERGER_DATE else set())
        rows = adh[adh["nis"].isin(holders)]
        return any(
            s <= day and (w is None or day < w)
            for s, w in zip(rows["signed"], rows["withdrawn"], strict=True)
        )

    active_2020 = [n for n in adh["nis"] if adhered(n, PRESS_DATE)]
    assert len(active_2020) == 23, len(active_2020)
    first = min(adh["signed"])
    assert (first.year, first.month) == (2019, 1), first
    assert adh.loc[adh["nis"] == BERTOGNE, "signed"].iloc[0].year == 2019
    assert sum(w is not None for w in adh["withdrawn"]) == 1

    orders = pd.read_excel(out / "orders.xlsx", sheet_name="orders", dtype={"commune": str})
    orders["nis"] = orders["commune"].map(resolve)
    orders["code"] = orders["solution"].map(lambda s: s if s in codes else by_name[s])
    orders["sent"] = orders["date d'envoi du bon de commande"].dt.date
    orders["awarded"] = [None if pd.isna(v) else v.date() for v in orders["date d'attribution"]]
    assert orders["n° de commande"].is_unique
    awarded = orders[orders["statut"] == "attribué"]
    assert awarded["awarded"].notna().all() and awarded["adjudicataire"].notna().all()
    other = orders[orders["statut"] != "attribué"]
    assert other["awarded"].isna().all() and other["adjudicataire"].isna().all()
    assert (orders["montant HTVA"] >= 0).all()
    early = awarded[awarded["awarded"] <= PRESS_DATE]
    assert len(early) == 16, len(early)
    # "400 000 euros" for the 16 orders (be-smartcity.com, 28/01/2020), to the cent.
    assert round(early["montant HTVA"].sum() * 100) == PRESS_ORDERS_CENTS
    pairs = set(zip(early["nis"], early["code"], strict=True))
    for name, code in NAMED_PAIRS:
        assert (nis_of(communes, name), code) in pairs, (name, code)
    for code, provider in (("TRAVAUX", "Betterstreet"), ("PARTICIPATION", "Fluicity")):
        row = early[(early["nis"] == "84009") & (early["code"] == code)]
        assert row["adjudicataire"].iloc[0] == provider
    for row in orders.itertuples():
        assert adhered(row.nis, row.sent), (row[1], row.commune, row.sent)
        if row.awarded is not None:
            assert row.awarded >= row.sent and holds(row.code, row.adjudicataire, row.awarded), (
                row[1],
                row.code,
                row.adjudicataire,
                row.awarded,
            )
    leads = [(a - s).days for s, a in zip(awarded["sent"], awarded["awarded"], strict=True)]
    assert 2 <= sum(lead > 20 for lead in leads) <= 3 and max(leads) <= 30
    pending = orders[orders["statut"] == "envoyé"]
    assert len(pending) == 3 and sum((TODAY - pending["sent"]).map(lambda t: t.days) >= 25) == 1
    assert 1 <= (orders["statut"] == "annulé").sum() <= 2
    assert 60 <= len(orders) <= 90
    assert ((orders["nis"] == BASTOGNE) & (orders["sent"] >= MERGER_DATE)).any()
    assert ((orders["nis"] == BERTOGNE) & (orders["sent"].map(lambda d: d.year) == 2021)).any()
    two = orders[orders["code"].map(SOLUTION_CATALOGUE) == "2.0"]
    assert (two["sent"] >= FRAMEWORK_2[0]).all()

    sub = pd.read_csv(
        out / "subsidies.csv", sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert sub.columns[0] == "appel à projets"  # the BOM was not taken as part of the header
    sub["cents"] = sub["montant"].map(lambda s: int(s.replace(" ", "").replace(",", "")))
    sub["euros"] = sub["montant"].map(lambda s: float(s.replace(" ", "").replace(",", ".")))
    assert (sub["cents"] > 0).all()

    def province(row) -> str:
        if row["province"]:
            return row["province"]
        prov = communes[resolve(row["bénéficiaire"])].get("prov_nis")
        return PROVINCE_NAMES[prov]

    sub["prov"] = sub.apply(province, axis=1)
    y19 = sub[sub["année"] == "2019"]
    lux_cents = y19.loc[y19["prov"] == "Luxembourg", "cents"].sum()
    assert lux_cents * 100 == y19["cents"].sum() * 21, (lux_cents, y19["cents"].sum())
    assert y19.loc[y19["prov"] == "Luxembourg", "euros"].sum() / y19["euros"].sum() == 0.21
    assert len(set(y19["prov"])) == 5, set(y19["prov"])
    # The 2019 call as the record gives it: 43 laureates, 17 above 100 000 EUR
    # and 26 below, grants from 20 000 to 275 000 EUR, the two largest named.
    assert len(y19) == CALL_2019_LAUREATES
    assert (y19["cents"] > 100_000_00).sum() == CALL_2019_ABOVE_100K
    assert (y19["cents"] < 100_000_00).sum() == CALL_2019_LAUREATES - CALL_2019_ABOVE_100K
    assert y19["cents"].min() == GRANT_MIN_CENTS and y19["cents"].max() == GRANT_MAX_CENTS
    top = y19[y19["cents"] == GRANT_MAX_CENTS]
    assert set(top["projet"]) == {"Mind your Territory", "ShutLLN"}
    lux19 = y19[y19["prov"] == "Luxembourg"]
    assert len(lux19) == 11 and JOINT_PROJECT in set(lux19["bénéficiaire"])
    press_named = {"Aubange", "Nassogne", "Attert", "Bertrix", "Martelange", "Bastogne"}
    assert press_named | {"La Roche-en-Ardenne"} <= set(lux19["bénéficiaire"])
    per_year = sub.groupby("année").size().to_dict()
    assert per_year == {"2019": 43, "2023": 34, "2024": 46}, per_year  # no 2021 call
    assert not sub.duplicated(["appel à projets", "année", "bénéficiaire", "projet"]).any()

    camp = pd.read_csv(out / "campaigns.csv", encoding="utf-8", dtype=str)
    assert list(camp["année"]) == [str(FIRST_SURVEY_YEAR)] + [str(y) for y in range(2020, 2027)]
    assert camp.loc[camp["année"] == "2026", "date d'envoi"].iloc[0] == "2026-03-02"
    window = {
        int(y): (D(s), D(d) + dt.timedelta(days=LATE_DAYS))
        for y, s, d in camp.itertuples(index=False)
    }

    survey = pd.read_excel(out / "survey.xlsx", sheet_name="survey", dtype={"commune": str})
    survey["nis"] = survey["commune"].map(resolve)
    survey["day"] = survey["date de réponse"].dt.date
    assert not survey.duplicated(["année", "nis", "besoin"]).any()
    assert all(
        window[y][0] <= d <= window[y][1]
        for y, d in zip(survey["année"], survey["day"], strict=True)
    )
    assert survey["priorité"].dropna().between(1, 3).all()
    per_commune = survey.groupby(["année", "nis"]).size()
    assert per_commune.between(1, 4).all()
    assert not ((survey["nis"] == BERTOGNE) & (survey["année"] >= 2025)).any()
    labels = survey.loc[~survey["besoin"].isin(codes), "besoin"]
    assert {"aucun besoin", "Capteurs de stationnement"} <= set(labels)
    parking = survey[survey["besoin"] == "Capteurs de stationnement"].groupby("année").size()
    assert parking.get(2022) == 2 and parking.get(2026) == 6
    # The summer-2017 survey (seeds), before the centrale: sent in summer, needs by name,
    # and every commune that ordered in the first year had asked for what it ordered.
    first = survey[survey["année"] == FIRST_SURVEY_YEAR]
    sent_2017, _ = window[FIRST_SURVEY_YEAR]
    assert (sent_2017.year, sent_2017.month) == (2017, 6) and (first["day"] < D("2018-01-01")).all()
    assert set(first["besoin"]) <= set(by_name) | {NO_NEED}
    assert 25 <= first["nis"].nunique() <= 40
    asked_2017 = set(zip(first["nis"], first["besoin"].map(by_name.get), strict=True))
    assert set(zip(early["nis"], early["code"], strict=True)) <= asked_2017

    offers = pd.read_excel(out / "offers.xlsx", sheet_name="offres")
    offers["received"] = offers["date de réception"].dt.date
    assert not offers.duplicated(["n° de commande", "prestataire"]).any()
    assert (offers["montant HTVA"] > 0).all()
    by_id = orders.set_index("n° de commande")
    chosen = offers[offers["retenue"] == "oui"]
    assert chosen["n° de commande"].is_unique
    assert set(chosen["n° de commande"]) == set(awarded["n° de commande"])  # every award
    for row in offers.itertuples():
        order = by_id.loc[row[1]]
        assert holds(order["code"], row.prestataire, order["sent"]), row
        assert order["sent"] <= row.received <= (order["awarded"] or TODAY), row
        if row.retenue == "oui":
            assert row.prestataire == order["adjudicataire"], row
            assert row[3] == order["montant HTVA"], row
    scored = offers.dropna(subset=["points prix"])
    total = scored["points prix"] + scored["points qualité"]
    best = scored.assign(total=total).sort_values("total").groupby("n° de commande").tail(1)
    assert (best["retenue"] == "oui").all()  # the winner has the best score

    events = pd.read_excel(out / "events.xlsx", sheet_name="rencontres", dtype={"commune": str})
    events["nis"] = events["commune"].map(resolve)
    meeting = events[events["type"] == "séance d'information"]
    assert meeting["nis"].nunique() == len(meeting) == 34  # 34 of 44 communes represented
    assert meeting["rôles des présents"].str.contains("bourgmestre").sum() == 11
    assert meeting["nombre de personnes"].sum() == INFO_PEOPLE  # "une centaine"
    first_contact = events.groupby("nis")["date"].min().dt.date
    for nis, signed in zip(adh["nis"], adh["signed"], strict=True):
        assert first_contact.get(nis, TODAY) < signed, nis  # met before adhering
    assert 1 <= len(set(lux_nis(communes)) - set(events["nis"])) <= 5  # some never met

    event_dates = [
        *adh["signed"],
        *filter(None, adh["withdrawn"]),
        *orders["sent"],
        *filter(None, orders["awarded"]),
        *survey.loc[survey["année"] != FIRST_SURVEY_YEAR, "day"],
        *(D(s) for y, s in zip(camp["année"], camp["date d'envoi"], strict=True) if y != "2017"),
        *(D(s) for y, s in zip(camp["année"], camp["date limite"], strict=True) if y != "2017"),
        *offers["received"],
    ]
    assert max(event_dates) <= TODAY and min(event_dates) >= D("2019-01-01")
    # Contacts start before the centrale: the information meeting (2018).
    assert events["date"].dt.date.max() <= TODAY and events["date"].dt.date.min().year == 2018
    assert int(sub["année"].astype(int).max()) <= TODAY.year


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "data" / "sample",
        help="output folder (default: data/sample)",
    )
    args = parser.parse_args(argv)
    counts = write_all(args.out)
    check(args.out)
    for name, n in counts.items():
        print(f"{name:16} {n:4d} rows")
    print(f"check passed: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
