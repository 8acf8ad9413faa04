"""One fact, one answer: every surface tells a commune the same peers, orders and totals.

For a stratified sample of the province's communes (see `sample`) at five dates
(the first half-year, the press day, the day before and the day of the
Bertogne → Bastogne merger, today), this renders the four things a manager
shows a bourgmestre:

- the Commune page (AppTest), reading `queries` through the page's cache;
- the Présentation page (AppTest), reading the briefing;
- the deck, written by `python -m reports brief --nis` and opened with python-pptx;
- the one-page PDF from the same run, read back with pdftotext;

then reads from each, as a person would, the communes semblables, the orders
(solution and date sent, newest first; the deck and the PDF show the first rows
and say how many there are) and the totals (orders awarded, in progress, amount
awarded), and asserts they agree with each other and with the store.
(`--all`, every commune in one run, is tested by test_reports.)
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from centrale import fmt
from centrale.config import REPO_ROOT
from centrale.datasets import queries
from centrale.domain import SIMILAR_COUNT, AdhesionStatus, OrderStatus
from reports.__main__ import main as reports_main
from tests.kpi_cards import cards

COMMUNE_PAGE = str(REPO_ROOT / "pages" / "commune.py")
PRESENTATION_PAGE = str(REPO_ROOT / "pages" / "presentation.py")
# The first half-year, the press day, the day before and the day of the Bertogne →
# Bastogne merger (02/12/2024), today.
DATES = (
    dt.date(2019, 6, 30),
    dt.date(2020, 1, 31),
    dt.date(2024, 12, 1),
    dt.date(2024, 12, 2),
    dt.date.today(),
)
BERTRIX = "84009"  # the press figures' commune (DOMAIN.md)


@dataclass(frozen=True)
class Facts:
    """What one surface says about one commune."""

    peers: frozenset[str]
    orders: tuple[tuple[str, str], ...]  # (solution, date sent dd/mm/yyyy), newest first
    order_count: int  # every order listed, or the total the surface says it cut from
    awarded: int
    pending: int
    amount: str  # awarded amount, '68 565 €'


def plain(text: str) -> str:
    """No-break spaces made plain and runs of white space collapsed (PDF line breaks)."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def names_in(text: str) -> frozenset[str]:
    """'A, B et C' -> {A, B, C}."""
    return frozenset(n.strip() for n in re.split(r", | et ", text) if n.strip())


PEERS_SENTENCE = re.compile(r"Communes semblables \([^)]*\) : (.+?)\.(?: |$)")
SUMMARY = re.compile(
    r"(\d+) commandes? attribuées? pour ([\d ]+ €) HTVA(?:, (\d+) en cours d'attribution)?\."
)
NO_ORDER = "n'a encore passé aucune commande"
PENDING_ONLY = re.compile(r"(\d+) commandes? en cours d'attribution, aucune encore attribuée\.")


def says_orders(text: str) -> bool:
    """Whether `text` holds `story.orders_summary`'s sentence, whichever of its forms."""
    return bool(NO_ORDER in text or PENDING_ONLY.search(text) or SUMMARY.search(text))


CUT = re.compile(r"les (\d+) plus récentes sur (\d+) commandes")


def summary_totals(text: str) -> tuple[int, int, str]:
    """(awarded, pending, amount) from `story.orders_summary`'s sentence."""
    if NO_ORDER in text:
        return 0, 0, fmt.money(0, 0).replace("\u00a0", " ")
    if match := PENDING_ONLY.search(text):
        return 0, int(match[1]), fmt.money(0, 0).replace("\u00a0", " ")
    match = SUMMARY.search(text)
    assert match, text[:400]
    return int(match[1]), int(match[3] or 0), match[2]


def cut_total(text: str, shown: int) -> int:
    match = CUT.search(text)
    return int(match[2]) if match else shown


# --- The four surfaces --------------------------------------------------------------------


def commune_page_facts(at: AppTest, name: str) -> Facts:
    assert not at.exception, at.exception
    assert at.header[0].value == name
    rule = next(c.value for c in at.caption if c.value.startswith("Communes semblables"))
    peers = frozenset(re.findall(r"([^,()]+?) \([\d\s\u00a0]+ hab\.\)", rule.split(").", 1)[1]))
    # The caption is Markdown source: names pass through plain(), which escapes « - ».
    peers = frozenset(re.sub(r"\\(.)", r"\1", p).strip() for p in peers)
    metrics = {c.label: plain(c.value) for c in cards(at)}
    frame = at.dataframe[0].value if at.dataframe else None
    orders: tuple = ()
    pending = 0
    if frame is not None and "order_id" in frame.columns:
        orders = tuple(zip(frame["solution"], (fmt.date(d) for d in frame["sent_on"])))
        pending = int((frame["status"] == OrderStatus.SENT.label).sum())
    return Facts(
        peers,
        orders,
        len(orders),
        int(metrics["Commandes attribuées"]),
        pending,
        metrics["Montant attribué (HTVA)"],
    )


def presentation_facts(at: AppTest) -> Facts:
    assert not at.exception, at.exception
    page = " ".join(h.proto.body for h in at.get("html"))
    page = plain(html.unescape(re.sub(r"<[^>]+>", " ", page)))
    peers = names_in(PEERS_SENTENCE.search(page)[1])
    orders: tuple = ()
    tables = [d.value for d in at.dataframe if "provider" in d.value.columns]
    if tables:
        frame = tables[0]
        orders = tuple(zip(frame["solution"], (fmt.date(d) for d in frame["sent_on"])))
    awarded, pending, amount = summary_totals(page)
    return Facts(peers, orders, len(orders), awarded, pending, amount)


def deck_facts(path: Path) -> Facts:
    slides = list(Presentation(str(path)).slides)

    def texts(slide) -> tuple[str, list[list[str]]]:
        words, rows = [], []
        for shape in slide.shapes:
            if shape.has_text_frame:
                words.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                table = [[c.text for c in r.cells] for r in shape.table.rows]
                if table[0][0] == "Solution":  # the orders' table, not the peers'
                    rows += table
        return plain(" ".join(words)), rows

    # Found by what they say, not by their place: a thin section shares a slide.
    said = [texts(slide) for slide in slides]
    orders_text, rows = next((t, r) for t, r in said if says_orders(t))
    peers_text = next(t for t, _ in said if PEERS_SENTENCE.search(t))
    awarded, pending, amount = summary_totals(orders_text)
    # Rows: Solution, Adjudicataire, Attribution, Délai, Montant (no date sent): solutions only;
    # one order is a sentence (« Solution » : attribuée le …).
    shown = tuple((r[0], "") for r in rows[1:]) or tuple(
        (m, "") for m in re.findall(r"« (.+?) » : ", orders_text)
    )
    return Facts(
        names_in(PEERS_SENTENCE.search(peers_text)[1]),
        shown,
        cut_total(orders_text, len(shown)),
        awarded,
        pending,
        amount,
    )


def pdf_facts(path: Path) -> Facts:
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = plain(text).replace("- ", "-")  # a name wrapped after its hyphen
    awarded, pending, amount = summary_totals(text)
    shown_match = CUT.search(text)
    return Facts(
        names_in(PEERS_SENTENCE.search(text)[1]),
        (),
        int(shown_match[2]) if shown_match else -1,
        awarded,
        pending,
        amount,
    )


# --- The sample ------------------------------------------------------------------------------

# Every kind of commune the surfaces treat differently; each must be met at least once
# over DATES (test_the_sample_meets_every_kind_of_commune), whatever the demo data.
KINDS = (
    "aucune commande",
    "une commande",
    "le plus de commandes",
    "commande en cours",
    "commandes d'une commune fusionnée",
    "fusionnera plus tard",
    "non adhérente",
    "retirée",
    "la plus petite",
    "la plus grande",
    "Bertrix",
)


def sample(con, day: dt.date) -> dict[str, list[str]]:
    """The communes checked on `day`: NIS -> the kinds (KINDS) it stands for.

    The test used to render every commune at every date (3 × 44 decks, PDFs and
    page runs: 258 s). The surfaces do not branch on a commune's name but on these
    cases, so the first commune (by NIS) of each kind on that day, chosen from the
    store, covers what the full product covered: no order (the « aucune commande »
    sentence, empty tables), exactly one, the most (the deck's cut « les N plus
    récentes sur M »), an order still in progress (the pending count), orders
    counted for a successor but placed by a commune merged into it, a commune that
    will merge later (the day before the merger), a non-member, a withdrawn member,
    the smallest and the largest population (the two ends of the peer ranking),
    and Bertrix (the press figures).
    """
    status = queries.commune_status(con, day).sort_values("nis_code")
    names = dict(zip(status["nis_code"], status["name_fr"]))
    orders = {nis: queries.commune_orders(con, nis, day) for nis in names}
    merging = {
        old
        for (old,) in con.execute(
            "SELECT old_nis FROM commune_mergers WHERE merged_on > ?", [day]
        ).fetchall()
    }
    candidates = {
        "aucune commande": [n for n in names if orders[n].empty],
        "une commande": [n for n in names if len(orders[n]) == 1],
        "le plus de commandes": [max(names, key=lambda n: len(orders[n]))],
        "commande en cours": [n for n in names if (orders[n]["status"] == OrderStatus.SENT).any()],
        "commandes d'une commune fusionnée": [
            n for n in names if (orders[n]["ordered_by"] != names[n]).any()
        ],
        "fusionnera plus tard": [n for n in names if n in merging],
        "non adhérente": status.loc[
            status["adhesion_status"] == AdhesionStatus.NOT_ADHERED, "nis_code"
        ].tolist(),
        "retirée": status.loc[
            status["adhesion_status"] == AdhesionStatus.WITHDRAWN, "nis_code"
        ].tolist(),
        "la plus petite": [status.loc[status["population"].idxmin(), "nis_code"]],
        "la plus grande": [status.loc[status["population"].idxmax(), "nis_code"]],
        "Bertrix": [n for n in names if n == BERTRIX],
    }
    picked: dict[str, list[str]] = {}
    for kind in KINDS:
        if candidates[kind]:
            picked.setdefault(candidates[kind][0], []).append(kind)
    return picked


@pytest.mark.slow  # goes with the test it samples for
def test_the_sample_meets_every_kind_of_commune(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        met = {kind for day in DATES for kinds in sample(con, day).values() for kind in kinds}
        sizes = [len(sample(con, day)) for day in DATES]
    assert met == set(KINDS), f"jamais rencontré : {set(KINDS) - met}"
    assert all(4 <= size <= len(KINDS) for size in sizes), sizes


# --- The test -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def needs_poppler() -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils absent (pdftotext) : test PDF sauté")


@pytest.mark.slow
@pytest.mark.parametrize("day", DATES, ids=[d.isoformat() for d in DATES])
def test_every_surface_tells_every_commune_the_same(app_env, needs_poppler, tmp_path, day):
    out = tmp_path / "dossiers"
    with duckdb.connect(str(app_env), read_only=True) as con:
        picked = sample(con, day)
        communes = queries.communes_list(con, day).set_index("nis_code")
        store = {
            nis: (
                frozenset(queries.similar_communes(con, nis, day)["name_fr"]),
                queries.commune_orders(con, nis, day),
            )
            for nis in picked
        }
    for nis in picked:
        args = ["brief", "--nis", nis, "--as-of", day.isoformat(), "--out", str(out)]
        assert reports_main(args) == 0, nis

    commune_page = AppTest.from_file(COMMUNE_PAGE, default_timeout=120)
    commune_page.session_state["shared_as_of"] = day
    presentation = AppTest.from_file(PRESENTATION_PAGE, default_timeout=120)
    presentation.session_state["shared_as_of"] = day
    presentation.query_params["nis"] = next(iter(picked))
    presentation.run()

    checked = 0
    for nis, kinds in picked.items():
        name = communes.at[nis, "name_fr"]
        peers, orders = store[nis]
        assert len(peers) == SIMILAR_COUNT and name not in peers
        awarded = orders[orders["status"] == OrderStatus.AWARDED]
        expected = Facts(
            peers,
            tuple(zip(orders["solution"], (fmt.date(d) for d in orders["sent_on"]))),
            len(orders),
            len(awarded),
            int((orders["status"] == OrderStatus.SENT).sum()),
            plain(fmt.money(awarded["amount_eur"].sum(), 0)),
        )

        commune_page.query_params["nis"] = nis
        commune_page.run()
        on_page = commune_page_facts(commune_page, name)
        presentation.selectbox(key="presentation_nis").set_value(nis).run()
        on_screen = presentation_facts(presentation)
        stem = f"{fmt.file_part(name)}_{day.isoformat()}"
        in_deck = deck_facts(out / f"{stem}.pptx")
        in_pdf = pdf_facts(out / f"{stem}.pdf")

        where = f"{name} ({nis}, {', '.join(kinds)}) au {day:%d/%m/%Y}"
        assert on_page == expected, where
        assert on_screen == expected, where
        # The deck and the PDF show the newest orders and say how many there are in all.
        assert in_deck.peers == expected.peers, where
        assert [s for s, _ in in_deck.orders] == [s for s, _ in expected.orders][
            : len(in_deck.orders)
        ], where
        assert in_deck.order_count == expected.order_count, where
        assert (in_deck.awarded, in_deck.pending, in_deck.amount) == (
            expected.awarded,
            expected.pending,
            expected.amount,
        ), where
        assert in_pdf.peers == expected.peers, where
        assert in_pdf.order_count in (-1, expected.order_count), where
        assert (in_pdf.awarded, in_pdf.pending, in_pdf.amount) == (
            expected.awarded,
            expected.pending,
            expected.amount,
        ), where
        checked += 1
    assert checked == len(picked) >= 4
