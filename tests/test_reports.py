"""The briefing pack: data assembly, deck, one-page PDF, batch command, presentation page.

Everything runs on the demo store (built from the real sample files) and is
checked against the press figures (data/sample/README.md): on 31/01/2020, 23 of
44 communes had adhered, 16 orders were awarded, and Bertrix had ordered four
solutions (TRAVAUX from Betterstreet, EGUICHET, APPLI, PARTICIPATION from Fluicity).
The PDF is checked with poppler's `pdftoppm`/`pdftotext`, skipped (with a
message) where poppler-utils is not installed.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt
from streamlit.testing.v1 import AppTest

from centrale import fmt
from centrale.config import REPO_ROOT
from centrale.datasets import briefing, queries, survey, worth
from centrale.domain import NeedMatch, OrderStatus
from reports import deck, sheet, story
from reports.__main__ import main as reports_main
from tests.conftest import PRESS_DAY
from tests.sample_figures import awarded_amount, order_amount

BERTRIX = "84009"
BERTRIX_SOLUTIONS = {"TRAVAUX", "EGUICHET", "APPLI", "PARTICIPATION"}
SLIDE_TITLES = [
    "Bertrix et la centrale d'achats Smart",
    "La centrale d'achats en chiffres",
    "Bertrix sur la carte de la province",
    "Ce que Bertrix a commandé",
    "Ce que ses pairs ont déjà commandé",
    "Ses besoins exprimés dans l'enquête 2017",  # the summer-2017 survey, before 2020's
    "Prochaines étapes",
    "Ce que la centrale a apporté à Bertrix",
]
PRESENTATION_PAGE = str(REPO_ROOT / "pages" / "presentation.py")
POPPLER_MISSING = (
    "poppler-utils absent (pdftoppm/pdftotext) : test PDF sauté (apt-get install poppler-utils)"
)


def needs_poppler() -> None:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip(POPPLER_MISSING)


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext lays it out, no-break spaces made plain."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return out.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def bertrix(con) -> briefing.CommuneBriefing:
    return briefing.commune_briefing(con, BERTRIX, PRESS_DAY)


@pytest.fixture(scope="module")
def bertrix_files(demo_db, tmp_path_factory) -> tuple[Path, Path, float]:
    """Bertrix's pack written by the command itself; with the time it took."""
    out = tmp_path_factory.mktemp("brief")
    started = time.perf_counter()
    code = reports_main(
        [
            "brief",
            "--nis",
            BERTRIX,
            "--as-of",
            "2020-01-31",
            "--db",
            str(demo_db),
            "--out",
            str(out),
        ]
    )
    elapsed = time.perf_counter() - started
    assert code == 0
    return out / "Bertrix_2020-01-31.pptx", out / "Bertrix_2020-01-31.pdf", elapsed


# -- the data ------------------------------------------------------------------------


def test_briefing_of_bertrix_on_press_day(bertrix, con):
    assert (bertrix.name, bertrix.arrondissement) == ("Bertrix", "Neufchâteau")
    assert bertrix.adhered and bertrix.signed_on == dt.date(2019, 1, 21)
    assert set(bertrix.orders["solution_id"]) == BERTRIX_SOLUTIONS
    providers = dict(zip(bertrix.orders["solution_id"], bertrix.orders["provider"]))
    assert providers["TRAVAUX"] == "Betterstreet"
    assert providers["PARTICIPATION"] == "Fluicity"
    assert (bertrix.figures["communes_adhered"], bertrix.figures["communes_total"]) == (23, 44)
    assert bertrix.figures["orders_awarded"] == 16
    assert bertrix.figures["province_subsidy_share"] == pytest.approx(0.21)
    assert "Libramont-Chevigny" in bertrix.neighbours and "Bouillon" in bertrix.neighbours
    assert BERTRIX not in set(bertrix.peers["nis_code"])
    assert bertrix.size_peer_count == briefing.SIZE_PEERS
    # Peers' uptake never lists what Bertrix already has.
    assert not set(bertrix.peer_uptake["solution_id"]) & BERTRIX_SOLUTIONS
    # The 2020 survey was sent on 02/03/2020: the latest is the summer-2017 one, and
    # Bertrix has ordered everything it asked for then: nothing left to suggest.
    assert bertrix.survey_year == 2017
    assert set(bertrix.survey["solution_id"]) == BERTRIX_SOLUTIONS
    assert set(bertrix.survey["match"]) == {NeedMatch.ORDERED}
    assert bertrix.next_steps.empty
    assert len(bertrix.catalogue) == 10  # the 1.0 catalogue, all under framework
    assert set(bertrix.catalogue.loc[bertrix.catalogue["ordered"], "solution_id"]) == (
        BERTRIX_SOLUTIONS
    )


def test_next_steps_are_asked_for_and_orderable_now(con):
    later = briefing.commune_briefing(con, BERTRIX, dt.date(2023, 6, 30))
    assert later.survey_year == 2023
    assert set(later.survey["match"]) == {NeedMatch.ORDERABLE}
    # Every unmet request of every survey answered by then, the oldest request first
    # (then priority): CIMETIERES and AIR were asked in 2020 and 2022, not in 2023.
    assert list(later.next_steps["solution_id"]) == [
        "CONSULTATION",
        "CIMETIERES",
        "AIR",
        "SALLES",
        "BULLES",
    ]
    assert list(later.next_steps["first_year"]) == [2020, 2020, 2022, 2022, 2023]
    assert later.next_steps["years"].iloc[0] == "2020, 2023"
    assert later.next_steps["providers"].iloc[0] == "Agora Civique SRL, VoxCité SA"
    # A member is never told to adhere; the cut list says so.
    lines = story.next_step_lines(later, limit=3)
    assert not any("adhésion" in line.lower() for line in lines)
    assert "Les 2 premières sur 5 demandes détaillées" in lines[-1]
    assert "Monitoring de la qualité de l'air" in lines[-1]
    assert story.how_to_order(later)[0] == "Envoyer le bon de commande"
    # The same answer before the 2.0 framework agreements existed (15/01/2023):
    # BULLES was asked for in 2023 only, so look at 2022's SALLES instead.
    earlier = briefing.commune_briefing(con, BERTRIX, dt.date(2022, 12, 31))
    salles = earlier.survey[earlier.survey["solution_id"] == "SALLES"]
    assert list(salles["match"]) == [NeedMatch.NOT_YET]
    assert "SALLES" not in set(earlier.next_steps["solution_id"])


@pytest.mark.parametrize(
    ("nis", "day", "words"),
    [
        ("99999", PRESS_DAY, "Code INS inconnu"),
        ("82005", dt.date(2025, 1, 1), "fusionné avec Bastogne"),
        (BERTRIX, dt.date(2018, 12, 31), "antérieure à l'ouverture"),
    ],
)
def test_briefing_refuses_in_french(con, nis, day, words):
    with pytest.raises(briefing.BriefingError, match=words):
        briefing.commune_briefing(con, nis, day)


# -- the deck ------------------------------------------------------------------------


def runs_of(shape):
    """Every text run of a shape, tables and groups included."""
    if shape.shape_type == 6:  # group
        for inner in shape.shapes:
            yield from runs_of(inner)
    if shape.has_text_frame:
        for paragraph in shape.text_frame.paragraphs:
            yield from paragraph.runs
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            for cell in row.cells:
                for paragraph in cell.text_frame.paragraphs:
                    yield from paragraph.runs


def small_text(presentation) -> list[str]:
    """Runs (and charts) whose size is not set to at least 14 pt."""
    found = []
    for number, slide in enumerate(presentation.slides, start=1):
        for shape in slide.shapes:
            for run in runs_of(shape):
                if run.text.strip() and (run.font.size is None or run.font.size < Pt(14)):
                    found.append(f"diapositive {number} : {run.text!r} ({run.font.size})")
            if shape.has_chart:
                chart = shape.chart
                if chart.font.size is None or chart.font.size < Pt(14):
                    found.append(f"diapositive {number} : graphique ({chart.font.size})")
    return found


def charts_of(slide):
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def test_deck_has_eight_16_9_slides_with_french_titles(bertrix_files):
    presentation = Presentation(str(bertrix_files[0]))
    assert (presentation.slide_width, presentation.slide_height) == (12192000, 6858000)  # 16:9
    assert len(presentation.slides) == len(SLIDE_TITLES) == 8
    assert [s.shapes.title.text for s in presentation.slides] == SLIDE_TITLES


def test_no_text_under_14_points(bertrix_files):
    assert small_text(Presentation(str(bertrix_files[0]))) == []


def test_charts_are_native_and_hold_the_stores_numbers(bertrix_files, bertrix, con):
    slides = Presentation(str(bertrix_files[0])).slides
    # Slide 2: the adhesion curve ends on the press figures.
    (curve,) = charts_of(slides[1])
    series = {s.name: list(s.values) for s in curve.plots[0].series}
    assert series["Communes adhérentes"][-1] == 23
    assert series["Communes de la province"][-1] == 44
    assert list(curve.plots[0].categories)[-1] == "31/01/2020"
    # Slide 3: the map is a picture, not a chart.
    assert not charts_of(slides[2])
    assert any(shape.shape_type == 13 for shape in slides[2].shapes)  # picture
    # Slide 4: Bertrix's lead times, newest first, exactly as in the store.
    (lead,) = charts_of(slides[3])
    orders = queries.orders_table(con, PRESS_DAY)
    mine = orders[orders["commune_nis"] == BERTRIX].sort_values("awarded_on", ascending=False)
    assert list(lead.plots[0].series[0].values) == [float(v) for v in mine["lead_days"]]
    # The promise is one dashed line across the bars, not a second series (issue 13).
    assert len(lead.plots[0].series) == 1
    frame = next(shape for shape in slides[3].shapes if shape.has_chart)
    (line,) = [shape for shape in slides[3].shapes if shape.name == "Promesse 20 jours"]
    assert frame.left < line.begin_x == line.end_x < frame.left + frame.width
    assert line.end_y - line.begin_y > frame.height // 2
    assert list(lead.plots[0].categories) == [f"{d:%d/%m/%Y}" for d in mine["awarded_on"]]
    table = next(shape.table for shape in slides[3].shapes if shape.has_table)
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Solution", "Adjudicataire", "Attribution", "Délai", "Montant HTVA"]
    assert {row[1] for row in cells[1:]} >= {"Betterstreet", "Fluicity"}
    assert fmt.money(order_amount("CA-2019-001"), 0) in {row[4] for row in cells[1:]}
    # Slide 5: what peers took that Bertrix has not, counted from the store.
    (peers,) = charts_of(slides[4])
    categories = list(peers.plots[0].categories)
    assert categories == [
        "Repas scolaires et accueil extrascolaire",
        "Consultation citoyenne en ligne",
    ]
    size_counts = list(peers.plots[0].series[0].values)
    assert size_counts == [1.0, 1.0]  # Neufchâteau (REPAS), Habay (CONSULTATION)
    # Slide 8: what the centrale brought, the days compared as in the store.
    expected = worth.commune_worth(con, BERTRIX, PRESS_DAY)
    (days,) = charts_of(slides[7])
    assert list(days.plots[0].series[0].values) == [
        expected["median_lead_days"],
        20.0,
        float(expected["classic_days"]),
    ]
    assert "Procédure classique (estimation)" in list(days.plots[0].categories)
    texts = " ".join(r.text for shape in slides[7].shapes for r in runs_of(shape))
    assert fmt.money(expected["gain_eur"], 0) in texts
    assert f"{fmt.number(expected['days_saved'])} jours gagnés" in texts
    assert "Hypothèse : estimation, sans source publiée" in texts
    assert story.funnel_line(bertrix) in texts  # its place in the funnel, with dates
    assert "Parcours : rencontrée le " in texts


def test_every_slide_has_notes_and_every_visual_a_description(bertrix_files):
    """Issue 13: speaker notes with definitions and the source on every slide;
    alternative text (not a file name) on every picture and chart."""
    from pptx.oxml.ns import qn

    for number, slide in enumerate(Presentation(str(bertrix_files[0])).slides, start=1):
        notes = slide.notes_slide.notes_text_frame.text
        assert "Source :" in notes and "31/01/2020" in notes, number
        for shape in slide.shapes:
            if shape.shape_type == 13 or getattr(shape, "has_chart", False):
                alt = shape._element.find(".//" + qn("p:cNvPr")).get("descr") or ""
                assert len(alt) > 40 and not alt.endswith(".png"), (number, alt)
    slides = Presentation(str(bertrix_files[0])).slides
    map_alt = next(s for s in slides[2].shapes if s.shape_type == 13)
    alt = map_alt._element.find(".//" + qn("p:cNvPr")).get("descr")
    assert "Bertrix" in alt and "23 communes adhérentes sur 44" in alt
    assert "Délai médian d'attribution" in slides[1].notes_slide.notes_text_frame.text


def test_deck_of_a_commune_without_orders_explains_it(con):
    """No order: said above what its peers took, and no slide left to say 'nothing to
    measure' (the orders and worth sections are thin)."""
    wellin = briefing.commune_briefing(con, "84075", PRESS_DAY)
    assert wellin.adhesion_status == "non adhérente" and wellin.orders.empty
    presentation = Presentation(io.BytesIO(deck.deck_bytes(wellin)))
    titles = [s.shapes.title.text for s in presentation.slides]
    # Its few survey answers (2017) share the slide of the next steps.
    assert titles[3:] == [
        "Ses commandes et celles de ses pairs",
        "Ses besoins et les prochaines étapes",
    ]
    texts = [r.text for shape in presentation.slides[3].shapes for r in runs_of(shape)]
    assert any("n'a encore passé aucune commande" in t for t in texts)
    assert charts_of(presentation.slides[3])  # the peers' chart, under the sentence
    steps = [r.text for shape in presentation.slides[4].shapes for r in runs_of(shape)]
    assert any("Signer la convention d'adhésion" in t for t in steps)
    notes = presentation.slides[3].notes_slide.notes_text_frame.text
    assert "Délai d'attribution" in notes and "Communes semblables" in notes  # both sections
    assert small_text(presentation) == []


def test_orders_sentence_never_says_zero_awarded_for_zero_euros(con):
    """A commune whose orders are all still in progress is told so, not « 0 commande
    attribuée pour 0 € HTVA, 1 en cours » (found on Paliseul's deck); every sentence says
    the counts the briefing holds."""
    pending_only = []
    for day in (PRESS_DAY, dt.date(2026, 11, 24)):
        for nis in queries.commune_status(con, day)["nis_code"]:
            b = briefing.commune_briefing(con, nis, day)
            text = story.orders_summary(b)
            statuses = b.orders["status"].value_counts() if not b.orders.empty else {}
            awarded = int(statuses.get(OrderStatus.AWARDED, 0))
            pending = int(statuses.get(OrderStatus.SENT, 0))
            assert not text.startswith("0 "), (b.name, day, text)
            if awarded:
                said = fmt.count(awarded, "commande attribuée", "commandes attribuées")
                assert text.startswith(said), text
            elif pending:
                said = fmt.count(pending, "commande en cours d'attribution")
                assert text == f"{said}, aucune encore attribuée.", text
                pending_only.append(b.name)
    assert pending_only, "no commune with orders only in progress on these dates"


# -- no lone row, no slide mostly empty (issue 13) ----------------------------------------
CONTENT_TOP_EMU, FOOTER_TOP_EMU = int(deck.CONTENT_TOP), int(deck.FOOTER_TOP)


def _said_height(shape) -> int:
    """How tall the text of a text box is (EMU), from its characters, size and width:
    a box drawn 3 inches high around two lines fills two lines."""
    points, width = 0.0, shape.width / 12700 - 14
    for paragraph in shape.text_frame.paragraphs:
        text = "".join(r.text for r in paragraph.runs)
        if not text.strip():
            continue
        size = max((r.font.size.pt for r in paragraph.runs if r.font.size), default=18)
        lines = -(-len(text) // max(int(width / (size * 0.5)), 1))
        after = paragraph.space_after.pt if paragraph.space_after is not None else 0
        points += lines * size * 1.2 + after
    return int(points * 12700)


def content_fill(slide) -> float:
    """Share of the slide's content band (title rule to footer) that holds something:
    tables, charts, pictures and tiles by their frames, text by the lines it takes."""
    spans = []
    for shape in slide.shapes:
        if shape == slide.shapes.title or shape.top >= FOOTER_TOP_EMU - 50000:
            continue
        framed = shape.has_chart or getattr(shape, "has_table", False) and shape.has_table
        if framed or shape.shape_type in (1, 13):  # autoshape tile, picture
            height = shape.height
        elif shape.has_text_frame and shape.text_frame.text.strip():
            height = _said_height(shape)
        else:
            continue
        spans.append((max(shape.top, CONTENT_TOP_EMU), min(shape.top + height, FOOTER_TOP_EMU)))
    covered, end = 0, CONTENT_TOP_EMU
    for top, bottom in sorted(spans):
        if bottom > end:
            covered, end = covered + bottom - max(top, end), bottom
    return covered / (FOOTER_TOP_EMU - CONTENT_TOP_EMU)


def thin_slides(presentation) -> list[str]:
    """Slides (after the title) with a table of one row, or mostly empty (< half)."""
    found = []
    for number, slide in enumerate(list(presentation.slides)[1:], start=2):
        rows = [len(s.table.rows) - 1 for s in slide.shapes if getattr(s, "has_table", False)
                and s.has_table]  # fmt: skip
        if any(r <= 1 for r in rows):
            found.append(f"diapositive {number} : tableau d'une ligne")
        fill = content_fill(slide)
        if fill < 0.5:
            found.append(f"diapositive {number} « {slide.shapes.title.text} » : {fill:.0%}")
    return found


def test_the_fill_measure_sees_a_thin_slide():
    """The measure itself: two lines on a slide are 'mostly empty', a full table is not."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = deck.SLIDE_W, deck.SLIDE_H
    deck._slide(presentation, "Titre")  # the title slide is not measured
    thin = deck._slide(presentation, "Deux lignes")
    deck._text_box(thin, deck.MARGIN, deck.CONTENT_TOP, deck.CONTENT_W, deck.Inches(4),
                   ["Une phrase.", "Une autre."])  # fmt: skip
    full = deck._slide(presentation, "Un tableau")
    rows = [["a", "b"]] * 11
    deck._table(full, deck.MARGIN, deck.CONTENT_TOP, deck.CONTENT_W, ["x", "y"], rows, (1, 1))
    assert content_fill(thin) < 0.2 and content_fill(full) > 0.8
    lone = deck._slide(presentation, "Une ligne")
    deck._table(lone, deck.MARGIN, deck.CONTENT_TOP, deck.CONTENT_W, ["x", "y"], [["a", "b"]],
                (1, 1))  # fmt: skip
    found = " | ".join(thin_slides(presentation))
    assert "diapositive 2 « Deux lignes »" in found  # mostly empty
    assert "diapositive 3" not in found  # a full table
    assert "diapositive 4 : tableau d'une ligne" in found


@pytest.mark.parametrize("day", [PRESS_DAY, dt.date(2026, 11, 24)], ids=["2020", "2026"])
@pytest.mark.parametrize(
    "nis",
    ["84009", "81013", "82009", "84075"],
    ids=["Bertrix", "Martelange", "Fauvillers", "Wellin"],
)
def test_no_lone_row_and_no_slide_mostly_empty(con, nis, day):
    """Many orders, one, none (Bertrix, Martelange, Fauvillers, Wellin) at the press day
    and in 2026: thin sections share a slide, so no table has one row and every slide
    is at least half filled; every slide keeps its notes and its source."""
    b = briefing.commune_briefing(con, nis, day)
    presentation = Presentation(io.BytesIO(deck.deck_bytes(b)))
    assert thin_slides(presentation) == []
    assert 5 <= len(presentation.slides) <= 8
    for slide in presentation.slides:
        assert "Source :" in slide.notes_slide.notes_text_frame.text
    assert small_text(presentation) == []
    if len(b.orders) == 1:
        titles = [s.shapes.title.text for s in presentation.slides]
        assert "Sa commande et ce qu'elle a apporté" in titles


@pytest.mark.slow
def test_deck_opens_in_libreoffice(bertrix_files, bertrix, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice absent : conversion du .pptx non vérifiée")
    needs_poppler()
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(bertrix_files[0])],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = pdf_text(tmp_path / "Bertrix_2020-01-31.pdf")
    assert text.count("\f") == 8  # one page per slide
    for words in ("23 sur 44", "Betterstreet", "Prochaines étapes", "Situation au 31 janvier 2020"):
        assert words in text
    # Each key figure drawn whole on its line (« 15,0 jours » once wrapped its « s »
    # onto the label below it).
    for figure in story.key_figures(bertrix):
        assert figure.value.replace(fmt.NBSP, " ") in text.replace(fmt.NBSP, " "), figure.value


# -- the one-page PDF ----------------------------------------------------------------


def test_pdf_is_one_a4_page_with_the_press_figures(bertrix_files, tmp_path):
    needs_poppler()
    pdf = bertrix_files[1]
    text = pdf_text(pdf)
    assert text.count("\f") == 1  # one page
    for words in (
        "Fiche commune · Bertrix",
        "situation au 31/01/2020",
        "23 sur 44",
        "communes adhérentes",
        "16",
        "commandes attribuées",
        "21 %",
        "4 commandes attribuées pour "
        + fmt.money(awarded_amount(BERTRIX, "Bertrix", PRESS_DAY), 0).replace(fmt.NBSP, " ")
        + " HTVA",
        "Betterstreet",
        "Fluicity",
        "Voisines non adhérentes (1) : Bouillon",
        "face à une procédure classique de 120 jours par commande (estimation)",
    ):
        assert words in text, words
    assert "None" not in text and "nan" not in text.split()
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
        check=True, capture_output=True,
    )  # fmt: skip
    (png,) = tmp_path.glob("page*.png")
    from PIL import Image

    with Image.open(png) as image:
        width, height = image.size
    assert height / width == pytest.approx(297 / 210, rel=0.01)  # A4 portrait


def test_pdf_map_and_charts_are_vector(bertrix):
    """No raster image in the fiche: the map is SVG paths, charts are PDF primitives."""
    data = sheet.sheet_bytes(bertrix)
    assert data.startswith(b"%PDF")
    assert b"/Subtype /Image" not in data


# -- the command ---------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reports", *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--nis", "99999", "--as-of", "2020-01-31"], 1, "Code INS inconnu"),
        (["--nis", BERTRIX, "--as-of", "2018-12-31"], 1, "antérieure à l'ouverture"),
        (["--nis", "82005", "--as-of", "2025-01-01"], 1, "fusionné avec Bastogne"),
        (["--as-of", "2020-01-31"], 2, "indiquez soit --nis CODE, soit --all"),
        (["--nis", BERTRIX, "--all"], 2, "indiquez soit --nis CODE, soit --all"),
        (["--nis", BERTRIX, "--as-of", "31/01/2020"], 2, "date invalide"),
    ],
)
def test_command_refuses_with_french_messages(demo_db, tmp_path, capsys, args, code, words):
    out = tmp_path / "out"
    try:
        returned = reports_main(["brief", *args, "--db", str(demo_db), "--out", str(out)])
    except SystemExit as exc:  # argparse's way out for bad usage
        returned = exc.code
    assert returned == code
    assert words in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_command_exit_code_and_message_from_a_shell(demo_db, tmp_path):
    """The real process: exit status 1 and a French message, no traceback."""
    result = run_cli("brief", "--nis", "99999", "--as-of", "2020-01-31", "--db", str(demo_db),
                     "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : Code INS inconnu : « 99999 »")
    assert "Traceback" not in result.stderr


def test_command_without_store_says_so(tmp_path, capsys):
    absent = tmp_path / "absent.duckdb"
    assert (
        reports_main(["brief", "--nis", BERTRIX, "--db", str(absent), "--out", str(tmp_path)]) == 1
    )
    assert "Aucune base de données" in capsys.readouterr().err


def test_one_commune_is_quick(bertrix_files):
    pptx, pdf, elapsed = bertrix_files
    assert pptx.stat().st_size > 50_000 and pdf.stat().st_size > 20_000
    assert elapsed < 30  # typically 1–2 s; generous for a loaded CI machine


@pytest.mark.slow
def test_batch_writes_every_commune(demo_db, tmp_path):
    started = time.perf_counter()
    result = run_cli("brief", "--all", "--as-of", "2020-01-31", "--db", str(demo_db),
                     "--out", str(tmp_path))  # fmt: skip
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    decks = sorted(tmp_path.glob("*_2020-01-31.pptx"))
    fiches = sorted(tmp_path.glob("*_2020-01-31.pdf"))
    assert len(decks) == len(fiches) == 44
    assert not list(tmp_path.glob("*.part"))
    assert "[1/44] " in result.stderr and "[44/44] " in result.stderr
    assert "44 présentations et fiches écrites" in result.stderr
    for path in decks:
        presentation = Presentation(str(path))
        assert 5 <= len(presentation.slides) <= 8, path.name
        assert small_text(presentation) == [], path.name
        assert thin_slides(presentation) == [], path.name
    assert elapsed < 600, f"{elapsed:.0f} s pour 44 communes"


# -- the presentation page -----------------------------------------------------------


def run_presentation(day: dt.date, nis: str | None = None) -> AppTest:
    at = AppTest.from_file(PRESENTATION_PAGE, default_timeout=90)
    at.session_state["shared_as_of"] = day
    if nis is not None:
        at.query_params["nis"] = nis
    at.run()
    assert not at.exception, at.exception
    return at


def test_presentation_page_tells_bertrix_story(app_env):
    at = run_presentation(PRESS_DAY, BERTRIX)
    assert at.selectbox(key="presentation_nis").value == BERTRIX
    labels = [b.label for b in at.get("download_button")]
    assert labels[:2] == ["Présentation PowerPoint (.pptx)", "Fiche commune (.pdf)"]
    page = " ".join(str(h.proto) for h in at.get("html"))
    for words in ("Bertrix et la centrale d", "23 sur 44", "Prochaines étapes", "Bouillon"):
        assert words in page, words
    assert len(at.get("plotly_chart")) == 3  # adhesions, lead times, peers
    orders = at.dataframe[0].value
    assert set(orders["provider"]) == {"Betterstreet", "Numéria SRL", "PocheApp SRL", "Fluicity"}


def test_presentation_page_follows_the_select_box(app_env):
    at = run_presentation(PRESS_DAY, BERTRIX)
    at.selectbox(key="presentation_nis").set_value("84075").run()
    assert not at.exception
    assert at.query_params["nis"] == ["84075"] or at.query_params["nis"] == "84075"
    page = " ".join(str(h.proto) for h in at.get("html"))
    assert "Wellin et la centrale d" in page
    assert "n&#x27;a encore passé aucune commande" in page or "aucune commande" in page


def test_a_commune_that_never_answered_sees_the_catalogue(con):
    # On the press day the only survey is 2017's; a commune that did not answer it
    # is shown the catalogue instead of its needs.
    status = survey.campaign_status(con, 2017, PRESS_DAY)
    silent = status.loc[~status["answered"], "nis_code"].iloc[0]
    b = briefing.commune_briefing(con, silent, PRESS_DAY)
    assert b.survey_year is None and b.survey.empty
    assert story.survey_title(b) == "Ses besoins et le catalogue actuel"
