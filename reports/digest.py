"""The digest: what changed at the centrale since a date, as a PDF and a ready-to-send e-mail.

Orders past the 20-day promise or still pending, new adhesions and withdrawals,
order forms sent and orders awarded, survey answers received and the communes
still to answer, the imports made — from `since` to `as_of`, both included.
Every list comes from the core's own queries (`queries.pending_orders`,
`queries.orders_table`, `queries.commune_status`, `survey`, `loads`).

The e-mail (`digest_email`) is built with the standard library's `email`
package: French, plain text and HTML, the PDF attached, marked as a draft
(`X-Unsent: 1`) so that a mail program opens it ready to send. Nothing needs a
mail server; `send` uses SMTP only when the operator configured it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pandas as pd

from centrale import fmt
from centrale.cached import cached_query
from centrale.config import AWARD_PROMISE_DAYS, env_text
from centrale.datasets import queries, survey
from centrale.domain import AdhesionStatus, OrderStatus, load_action_label
from centrale.semantic import measures
from centrale.semantic.model import DIMENSIONS
from centrale.storage import loads
from reports import paper
from reports.board import in_period

# Column headers of the digest tables: the semantic layer's words.
COMMUNE = DIMENSIONS["commune"].label
SOLUTION = DIMENSIONS["solution"].label

FILE_PATTERN = re.compile(r"^Digest_(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\.eml$")


class DigestError(ValueError):
    """A request the digest cannot answer, said in French."""


@dataclass(frozen=True)
class Section:
    title: str
    summary: str  # one sentence, always said (« aucune » when the list is empty)
    headers: list[str]
    rows: list[list[str]]
    note: str = ""  # said under the table


@dataclass(frozen=True)
class Digest:
    since: dt.date
    as_of: dt.date
    sections: list[Section]

    @property
    def period_label(self) -> str:
        return f"du {fmt.date(self.since)} au {fmt.date(self.as_of)}"


def last_digest_day(folder: Path) -> dt.date | None:
    """The `as_of` of the newest digest written in `folder` (its file name says it)."""
    days = [
        dt.date.fromisoformat(m.group(2))
        for p in Path(folder).glob("Digest_*.eml")
        if (m := FILE_PATTERN.match(p.name))
    ]
    return max(days, default=None)


def default_since(folder: Path, as_of: dt.date) -> dt.date:
    """The day after the last digest in `folder`; refused in French when there is none."""
    last = last_digest_day(folder)
    if last is None:
        raise DigestError(
            f"aucun digest précédent dans {folder} : indiquez la date de départ avec "
            "--since AAAA-MM-JJ (par ex. --since 2026-11-01)."
        )
    return min(last + dt.timedelta(days=1), as_of)


@cached_query
def build_digest(con, since: dt.date, as_of: dt.date) -> Digest:
    if since > as_of:
        raise DigestError(
            f"la date de départ ({fmt.date(since)}) est après la date de situation "
            f"({fmt.date(as_of)}) : choisissez une date antérieure."
        )
    sections = [
        _pending(con, as_of),
        _adhesions(con, since, as_of),
        _orders(con, since, as_of),
        _survey(con, since, as_of),
        _imports(con, since, as_of),
    ]
    return Digest(since, as_of, sections)


def _pending(con, as_of: dt.date) -> Section:
    pending = queries.pending_orders(con, as_of)
    late = int(pending["late"].sum())
    rows = [
        [
            o.commune,
            o.solution,
            fmt.date(o.sent_on),
            fmt.days(o.days_pending),
            f"oui, promesse de {AWARD_PROMISE_DAYS} jours dépassée" if o.late else "non",
        ]
        for o in pending.itertuples()
    ]
    if pending.empty:
        summary = f"Aucune commande en cours d'attribution au {fmt.date(as_of)}."
    else:
        summary = (
            f"{fmt.count(len(pending), 'commande en cours', 'commandes en cours')} "
            f"d'attribution au {fmt.date(as_of)}, dont {late} au-delà des "
            f"{AWARD_PROMISE_DAYS} jours promis."
        )
    headers = [COMMUNE, SOLUTION, "Bon envoyé le", measures.label("days_pending"), "En retard ?"]
    return Section("Commandes en attente et en retard", summary, headers, rows)


def _adhesions(con, since: dt.date, as_of: dt.date) -> Section:
    status = queries.commune_status(con, as_of)
    joined = status[in_period(status["signed_on"], since, as_of)]
    left = status[
        (status["adhesion_status"] == AdhesionStatus.WITHDRAWN)
        & in_period(status["withdrawn_on"], since, as_of)
    ]
    rows = [[c.name_fr, "adhésion", fmt.date(c.signed_on)] for c in joined.itertuples()]
    rows += [[c.name_fr, "retrait", fmt.date(c.withdrawn_on)] for c in left.itertuples()]
    if joined.empty and left.empty:
        summary = "Aucune nouvelle adhésion ni aucun retrait sur la période."
    else:
        summary = (
            f"{fmt.count(len(joined), 'nouvelle adhésion', 'nouvelles adhésions')} et "
            f"{fmt.count(len(left), 'retrait', 'retraits')}."
        )
    return Section("Adhésions et retraits", summary, [COMMUNE, "Quoi", "Le"], rows)


def _orders(con, since: dt.date, as_of: dt.date) -> Section:
    table = queries.orders_table(con, as_of)
    sent = table[
        in_period(table["sent_on"], since, as_of) & (table["status"] != OrderStatus.CANCELLED)
    ]
    awarded = table[
        in_period(table["awarded_on"], since, as_of) & (table["status"] == OrderStatus.AWARDED)
    ]
    rows = [
        [o.commune, o.solution, "bon de commande envoyé", fmt.date(o.sent_on), fmt.MISSING]
        for o in sent.itertuples()
    ]
    rows += [
        [
            o.commune,
            o.solution,
            f"attribuée à {o.provider} en {fmt.days(o.lead_days)}",
            fmt.date(o.awarded_on),
            fmt.money(o.amount_eur, 0),
        ]
        for o in awarded.itertuples()
    ]
    summary = (
        f"{fmt.count(len(sent), 'bon de commande envoyé', 'bons de commande envoyés')}, "
        f"{fmt.count(len(awarded), 'commande attribuée', 'commandes attribuées')}"
        + (f" pour {fmt.money(awarded['amount_eur'].sum(), 0)} HTVA." if len(awarded) else ".")
    )
    headers = [COMMUNE, SOLUTION, "Quoi", "Le", measures.label("order_amount_eur")]
    return Section("Commandes envoyées et attribuées", summary, headers, rows)


def _survey(con, since: dt.date, as_of: dt.date) -> Section:
    year = queries.default_survey_year(con, as_of)
    if year is None:
        return Section(
            "Enquête des besoins", "Aucune enquête des besoins envoyée à cette date.", [], []
        )
    status = survey.campaign_status(con, year, as_of)
    new = status[in_period(status["submitted_on"], since, as_of)]
    waiting = survey.to_remind(status)
    rows = [
        [c.name_fr, fmt.date(c.submitted_on),
         fmt.count(int(c.needs), "besoin", "besoins") if not c.no_needs else "aucun besoin"]
        for c in new.itertuples()
    ]  # fmt: skip
    summary = (
        f"Enquête {year} : {fmt.count(len(new), 'réponse reçue', 'réponses reçues')} sur la "
        f"période ; {fmt.count(len(waiting), 'commune doit', 'communes doivent')} encore "
        "répondre."
    )
    members = waiting.loc[waiting["member"].astype(bool), "name_fr"]
    others = waiting.loc[~waiting["member"].astype(bool), "name_fr"]
    note = ""
    if len(waiting):
        note = (
            f"Doivent encore répondre — adhérentes ({len(members)}) : "
            f"{_names(fmt.sorted_names(members))} ; non adhérentes ({len(others)}) : "
            f"{_names(fmt.sorted_names(others))}."
        )
    headers = ["Commune qui a répondu", "Le", measures.label("needs_expressed")]
    return Section(f"Enquête des besoins {year}", summary, headers, rows, note)


def _names(values: list[str]) -> str:
    if not values:
        return "aucune"
    return ", ".join(values[:-1]) + (" et " if len(values) > 1 else "") + values[-1]


def _imports(con, since: dt.date, as_of: dt.date) -> Section:
    log = loads.load_log(con)
    made = log[in_period(log["loaded_at"], since, as_of)]
    rows = [
        [
            f"{pd.Timestamp(entry.loaded_at):%d/%m/%Y %H:%M}",
            str(entry.loaded_by),
            load_action_label(entry.action),
            fmt.count(int(entry.files), "fichier", "fichiers"),
        ]
        for entry in made.itertuples()
    ]
    summary = (
        f"{fmt.count(len(made), 'import', 'imports')} de données sur la période."
        if len(made)
        else "Aucun import de données sur la période."
    )
    return Section("Imports de données", summary, ["Quand", "Par", "Action", "Fichiers"], rows)


# -- names of the files -------------------------------------------------------------------


def base_name(d: Digest) -> str:
    return f"Digest_{d.since.isoformat()}_{d.as_of.isoformat()}"


def subject(d: Digest) -> str:
    return f"Centrale d'achats Smart : ce qui a changé {d.period_label}"


# -- the PDF -----------------------------------------------------------------------------

WEIGHTS = {5: [3, 4, 4, 2, 2], 3: [4, 3, 3], 4: [3, 2, 2, 2]}


def digest_pdf(d: Digest) -> bytes:
    left = "IDELUX Projets publics · Centrale d'achats Smart"
    pdf = paper.new_paper("Ce qui a changé", f"Centrale d'achats Smart · {d.period_label}",
                          left, f"Situation au {fmt.date(d.as_of)}")  # fmt: skip
    scratch = paper.new_paper("Ce qui a changé", "", left, "")
    flow = paper.Flow(pdf, scratch)
    for s in d.sections:

        def head(p, y, s=s):
            y = paper.section(p, y, s.title)
            return p.wrapped(paper.MARGIN, y, paper.CONTENT_W, s.summary, 8.5, True) + 0.8

        if s.rows:
            widths = paper.fit_widths(pdf, s.headers, s.rows, WEIGHTS[len(s.headers)],
                                      paper.CONTENT_W, 7.5)  # fmt: skip
            paper.flow_table(flow, head, widths, s.headers, s.rows, 7.5)
        else:
            flow.place(head)
        if s.note:
            flow.place(
                lambda p, y, s=s: p.wrapped(paper.MARGIN, y, paper.CONTENT_W, s.note, 8), gap=1
            )
    return bytes(pdf.output())


# -- the e-mail --------------------------------------------------------------------------


def _text_body(d: Digest) -> str:
    out = [
        "Bonjour,",
        "",
        f"Voici ce qui a changé à la centrale d'achats Smart {d.period_label}.",
        "",
    ]
    for s in d.sections:
        out += [s.title.upper(), s.summary]
        out += [" · ".join(row) for row in s.rows[:20]]
        if len(s.rows) > 20:
            out.append(f"… et {len(s.rows) - 20} autres lignes dans le PDF joint.")
        if s.note:
            out.append(s.note)
        out.append("")
    out += [
        "Le détail est dans le PDF joint.",
        "",
        "-- ",
        "Tableau de bord de la centrale d'achats Smart, IDELUX Projets publics",
    ]
    return "\n".join(out) + "\n"


def _html_body(d: Digest) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='fr-BE'><head><meta charset='utf-8'>"
        f"<title>{e(subject(d))}</title></head>"
        "<body style='font-family:sans-serif;color:#1F2A28'>",
        "<p>Bonjour,</p>",
        f"<p>Voici ce qui a changé à la centrale d'achats Smart {e(d.period_label)}.</p>",
    ]
    for s in d.sections:
        parts.append(f"<h2 style='color:#00594F;font-size:16px'>{e(s.title)}</h2>")
        parts.append(f"<p><strong>{e(s.summary)}</strong></p>")
        if s.rows:
            head = "".join(
                f"<th style='text-align:left;padding:2px 8px'>{e(h)}</th>" for h in s.headers
            )
            body = "".join(
                "<tr>" + "".join(f"<td style='padding:2px 8px'>{e(v)}</td>" for v in row) + "</tr>"
                for row in s.rows[:20]
            )
            parts.append(
                "<table style='border-collapse:collapse;font-size:13px'>"
                f"<thead style='background:#00594F;color:#fff'><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>"
            )
            if len(s.rows) > 20:
                parts.append(f"<p>… et {len(s.rows) - 20} autres lignes dans le PDF joint.</p>")
        if s.note:
            parts.append(f"<p>{e(s.note)}</p>")
    parts.append("<p>Le détail est dans le PDF joint.</p></body></html>")
    return "\n".join(parts)


def digest_email(d: Digest, pdf: bytes, sender: str | None = None, to: str | None = None,
                 now: dt.datetime | None = None) -> EmailMessage:  # fmt: skip
    """The digest as an e-mail ready to send: text and HTML, the PDF attached.

    `sender`/`to` default to $CENTRALE_DIGEST_FROM / $CENTRALE_DIGEST_TO (left empty
    when unset: the mail program asks)."""
    msg = EmailMessage()
    msg["Subject"] = subject(d)
    msg["From"] = sender or env_text("CENTRALE_DIGEST_FROM")
    msg["To"] = to or env_text("CENTRALE_DIGEST_TO")
    msg["Date"] = format_datetime((now or dt.datetime.now(dt.UTC)).astimezone())
    msg["Message-ID"] = make_msgid(domain="centrale-smart.local")
    msg["Content-Language"] = "fr-BE"
    msg["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft, ready to send
    msg.set_content(_text_body(d))
    msg.add_alternative(_html_body(d), subtype="html")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{base_name(d)}.pdf")
    return msg


def smtp_settings() -> dict | None:
    """$CENTRALE_SMTP_HOST (and _PORT, _USER, _PASSWORD, _STARTTLS) or None: not configured."""
    host = env_text("CENTRALE_SMTP_HOST")
    if not host:
        return None
    return {
        "host": host,
        "port": int(env_text("CENTRALE_SMTP_PORT") or "587"),
        "user": env_text("CENTRALE_SMTP_USER") or None,
        "password": env_text("CENTRALE_SMTP_PASSWORD") or None,
        "starttls": (env_text("CENTRALE_SMTP_STARTTLS") or "1") != "0",
    }


def send(msg: EmailMessage, settings: dict) -> None:
    """Send by SMTP (only when configured: `smtp_settings()`); From and To must be set."""
    if not msg["From"] or not msg["To"]:
        raise DigestError(
            "envoi impossible : indiquez l'expéditeur et le destinataire "
            "(CENTRALE_DIGEST_FROM et CENTRALE_DIGEST_TO, ou --from et --to)."
        )
    with smtplib.SMTP(settings["host"], settings["port"], timeout=30) as smtp:
        if settings["starttls"]:
            smtp.starttls()
        if settings["user"]:
            smtp.login(settings["user"], settings["password"] or "")
        smtp.send_message(msg)
