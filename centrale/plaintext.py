"""The one rule for text that reaches Markdown or HTML: `plain`.

Streamlit reads every string given to st.markdown, st.caption, st.write,
st.success/info/warning/error and widget labels as Markdown (images, links,
HTML, emphasis, colours, icons, maths). Any text the project did not write
itself — a file name, a column header, a value from a file, an exception's
text, a problem summary naming a file, a history detail, a user name — goes
through `plain` at the moment it is put into such a string, never before
(a table cell or a log line shows the text as it is; escaping it there would
show the backslashes, as « orders\\-hs\\-41\\.csv » once did).

`tests/test_markup_rule.py` scans pages/ and ui/ and fails on an f-string
passed to those calls with a hole that is not `plain(...)` or a number/date
formatter.
"""

from __future__ import annotations

import re

# Everything Streamlit's Markdown would read as markup: emphasis, links and images,
# HTML, headings, lists, tables, math ($), colours and icons (:red[…], :material/…:).
_AUTOLINKS = re.compile(r"://|(?i:www)\.|@")
_BREAKS = re.compile(r"[^\S\u00a0\u202f]+")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def plain(value: object) -> str:
    """`value` as text ready to go inside Markdown and be shown exactly as typed: never
    an image, a link, HTML or formatting (one line: a line break would start a block)."""
    text = "" if value is None else str(value)
    # Runs of white space (line breaks too) become one space; no-break spaces stay:
    # they are the Belgian formats' own (`1 234 €`, `44 jours`).
    text = _BREAKS.sub(" ", text).strip()
    # Bare addresses are turned into live links even when escaped: an invisible word
    # joiner (U+2060) inside "://", "www." and "@" keeps them plain text.
    text = _AUTOLINKS.sub(lambda m: m.group(0)[0] + "\u2060" + m.group(0)[1:], text)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
