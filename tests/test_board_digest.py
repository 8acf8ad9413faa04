"""The reports that go out by themselves: the board report (PDF and slides) and the digest
(PDF and a ready-to-send .eml), read back as a person would get them.

PDFs are read with poppler's `pdftotext -bbox` (skipped with a message when poppler
is missing), the slides rendered by LibreOffice (skipped when it is missing), the
e-mail parsed with the standard library and its attachment opened.
"""

from __future__ import annotations

import datetime as dt
import email
import shutil
import subprocess
from email import policy
from pathlib import Path

import pytest

from centrale import fmt, periods
from centrale.datasets import competition, queries, survey
from reports import board, deck, digest, paper
from reports.__main__ import main
from tests import slide_check

TODAY = dt.date(2026, 11, 24)
PT_PER_MM = 72 / 25.4


def needs_poppler() -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils absent (pdftotext) : test PDF sauté")


def read_pdf(data: bytes, tmp_path: Path, name: str = "doc.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return slide_check.words(path)


def text_of(pages) -> str:
    return " ".join(w[4] for page in pages for w in page).replace("\u00a0", " ")


def assert_paper_is_clean(pages, footer_words: list[str]) -> list[int]:
    """No « … », no two words on each other, nothing but the footer under its rule; a
    second page only when it is at least half used. Returns each page's fill (%)."""
    rule = paper.FOOTER_RULE_Y * PT_PER_MM
    fills = []
    for number, words in enumerate(pages, start=1):
        assert not [w for w in words if "…" in w[4]], (number, "texte coupé")
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                assert slide_check._overlap(a[:4], b[:4]) < 0.25, (number, a[4], b[4])
        band = [w[4] for w in words if w[1] >= rule]
        assert band == footer_words, (number, band)
        bottom = max(w[3] for w in words if w[1] < rule)
        assert bottom <= paper.CONTENT_BOTTOM * PT_PER_MM + 1, number
        top = 0 if number == 1 else paper.CONTINUED_TOP * PT_PER_MM
        fills.append(round(100 * (bottom - top) / (paper.CONTENT_BOTTOM * PT_PER_MM - top)))
    for fill in fills[1:]:
        assert fill >= 50, fills
    return fills


# -- the board report ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "period",
    [
        periods.make("year", TODAY, year=2023),
        periods.make("year", TODAY, year=2019),  # the first year: nothing before it
        periods.make("this_year", TODAY),
        periods.make("range", TODAY, since=dt.date(2024, 3, 1), until=dt.date(2024, 8, 31)),
    ],
    ids=["2023", "2019", "this-year", "range"],
)
def test_board_report_is_one_clean_page_with_the_cores_figures(con, tmp_path, period):
    needs_poppler()
    r = board.board_report(con, period)
    pages = read_pdf(board.board_pdf(r), tmp_path)
    assert len(pages) == 1
    left, right = board.footer(r)
    assert_paper_is_clean(pages, (left + " " + right).split())
    said = text_of(pages)
    # The figures are the core's: period_figures for the orders, commune_status for who
    # joined, the competition's gains summed over the awards of the period.
    figures = queries.period_figures(con, TODAY, period.since, period.until)
    assert r.now.orders == figures
    assert len(r.now.joined) == figures["members_joined"]
    gains = competition.order_competition(con, TODAY)
    awarded = gains[board.in_period(gains["awarded_on"], period.since, period.until)]
    expected_gain = awarded["gain_eur"].dropna().sum()
    if r.now.gain_eur is not None:
        assert r.now.gain_eur == pytest.approx(expected_gain, abs=0.01)
        assert fmt.money(r.now.gain_eur, 0).replace("\u00a0", " ") in said
    if figures["orders_awarded"]:
        assert f"des {figures['orders_awarded']} attributions de la période" in said
    if period.year == 2019:
        assert r.before is None and "Pas de période précédente comparable" in said
    else:
        assert r.before is not None and "Ce qui a changé" in said


def test_board_report_of_2023_says_its_survey_and_the_year_before(con, tmp_path):
    needs_poppler()
    r = board.board_report(con, periods.make("year", TODAY, year=2023))
    said = text_of(read_pdf(board.board_pdf(r), tmp_path))
    summary = survey.campaign_summary(survey.campaign_status(con, 2023, TODAY))
    assert f"{summary['answered']} communes sur {summary['communes']} ont répondu" in said
    top = survey.rank_needs(survey.survey_answers_at(con, TODAY), 2023)["need"].iloc[0]
    assert top in said
    assert r.before_label == "en 2022"
    # Houffalize and Wellin signed in 2023, Tellin withdrew on 30/06/2023 (the demo files).
    assert r.now.joined == ["Houffalize", "Wellin"] and r.now.withdrawn == ["Tellin"]
    assert "Nouvelles adhésions (2) : Houffalize et Wellin." in said


def test_board_slides_render_in_libreoffice_with_no_overflow_or_overlap(con, tmp_path):
    slide_check.office()
    paths = []
    for period in (periods.make("year", TODAY, year=2023), periods.make("this_year", TODAY)):
        r = board.board_report(con, period)
        path = tmp_path / f"{board.base_name(r)}.pptx"
        path.write_bytes(board.board_deck(r))
        paths.append(path)
    pdfs = slide_check.render(paths, tmp_path / "rendu")
    for pptx, pdf in zip(paths, pdfs):
        assert slide_check.problems(pptx, pdf, deck.FOOTER_TOP) == []
        assert len(slide_check.words(pdf)) == 5  # title, figures, orders, survey, changes


# -- the digest ---------------------------------------------------------------------------


def test_digest_lists_what_changed_from_the_cores_queries(con):
    since, as_of = dt.date(2026, 3, 1), dt.date(2026, 4, 15)
    d = digest.build_digest(con, since, as_of)
    sections = {s.title: s for s in d.sections}
    pending = queries.pending_orders(con, as_of)
    assert len(sections["Commandes en attente et en retard"].rows) == len(pending)
    status = survey.campaign_status(con, 2026, as_of)
    answered = board.in_period(status["submitted_on"], since, as_of)
    survey_section = sections["Enquête des besoins 2026"]
    assert len(survey_section.rows) == int(answered.sum())
    waiting = len(survey.to_remind(status))
    assert f"{waiting} communes doivent encore répondre" in survey_section.summary
    orders = sections["Commandes envoyées et attribuées"]
    assert orders.summary.startswith("2 bons de commande envoyés, 2 commandes attribuées")


def test_digest_pdf_and_eml_open_and_say_the_same(con, tmp_path):
    needs_poppler()
    d = digest.build_digest(con, dt.date(2019, 12, 1), dt.date(2020, 1, 31))
    pdf = digest.digest_pdf(d)
    pages = read_pdf(pdf, tmp_path)
    assert len(pages) == 1
    assert_paper_is_clean(
        pages,
        "IDELUX Projets publics · Centrale d'achats Smart Situation au 31/01/2020".split(),
    )
    msg = digest.digest_email(d, pdf, sender="centrale@idelux.be", to="direction@idelux.be")
    path = tmp_path / f"{digest.base_name(d)}.eml"
    path.write_bytes(msg.as_bytes())
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert (
        parsed["Subject"] == "Centrale d'achats Smart : ce qui a changé du 01/12/2019 au 31/01/2020"
    )
    assert parsed["X-Unsent"] == "1" and parsed["To"] == "direction@idelux.be"
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert text.startswith("Bonjour,") and "<h2" in html and "lang='fr-BE'" in html
    attachments = list(parsed.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["Digest_2019-12-01_2020-01-31.pdf"]
    assert attachments[0].get_content_type() == "application/pdf"
    opened = read_pdf(attachments[0].get_content(), tmp_path, "joint.pdf")
    attached = text_of(opened)
    for section in d.sections:
        assert section.summary in text
        assert section.summary in html.replace("&#x27;", "'")
        assert section.summary.replace("\u00a0", " ") in attached
    assert "4 nouvelles adhésions et 0 retrait." in attached


def test_digest_command_remembers_the_last_digest_and_refuses_in_french(demo_db, tmp_path, capsys):
    out = tmp_path / "digests"
    base = ["digest", "--db", str(demo_db), "--out", str(out)]
    assert main([*base, "--as-of", "2026-11-24"]) == 1
    assert "aucun digest précédent" in capsys.readouterr().err
    assert main([*base, "--as-of", "2026-11-24", "--since", "2026-10-01"]) == 0
    assert (out / "Digest_2026-10-01_2026-11-24.eml").exists()
    assert (out / "Digest_2026-10-01_2026-11-24.pdf").exists()
    # The next one, for a scheduled job, starts the day after the last one.
    assert main([*base, "--as-of", "2026-11-30"]) == 0
    assert (out / "Digest_2026-11-25_2026-11-30.eml").exists()
    assert main([*base, "--as-of", "2026-11-30", "--send"]) == 1
    assert "aucun serveur SMTP n'est configuré" in capsys.readouterr().err
    assert not list(out.glob("*.part"))


def test_board_command_writes_pdf_and_slides(demo_db, tmp_path, capsys):
    out = tmp_path / "ca"
    args = ["board", "--db", str(demo_db), "--out", str(out), "--as-of", "2026-11-24"]
    assert main([*args, "--year", "2023"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "Rapport_CA_2023-01-01_2023-12-31.pdf",
        "Rapport_CA_2023-01-01_2023-12-31.pptx",
    ]
    assert main([*args, "--year", "2012"]) == 1
    assert "l'année 2012 n'est pas couverte" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2


def test_digest_as_a_shell_command(demo_db, tmp_path):
    """What a cron job runs: exit code 0 and files in the folder."""
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "reports", "digest", "--db", str(demo_db), "--out",
         str(tmp_path), "--since", "2020-01-01", "--as-of", "2020-01-31"],
        capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "Digest_2020-01-01_2020-01-31.eml").exists()


# -- the button for editors ---------------------------------------------------------------

EDITOR = {"name": "marie", "role": "editor", "method": "local"}
VIEWER = {"name": "paul", "role": "viewer", "method": "local"}
REPORT_LABELS = [
    "Rapport au CA (.pdf)",
    "Rapport au CA (.pptx)",
    "Digest (.eml)",
    "Digest (.pdf)",
]


@pytest.mark.parametrize(("user", "shown"), [(EDITOR, True), (VIEWER, False)], ids=str)
def test_overview_offers_the_reports_to_editors_only(app_env, tmp_path, monkeypatch, user, shown):
    from streamlit.testing.v1 import AppTest

    from centrale.access import auth
    from centrale.config import REPO_ROOT

    users = tmp_path / "users.toml"
    auth.add_user("marie", "mot-de-passe-editrice", "editor", users)
    auth.add_user("paul", "mot-de-passe-lecteur", "viewer", users)
    monkeypatch.setenv("CENTRALE_USERS", str(users))

    at = AppTest.from_file(str(REPO_ROOT / "pages" / "overview.py"), default_timeout=90)
    at.session_state["shared_as_of"] = TODAY
    at.session_state["auth_user"] = user
    at.run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button") if b.label in REPORT_LABELS]
    assert labels == (REPORT_LABELS if shown else [])
