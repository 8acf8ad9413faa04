"""The briefing pack's colours and type sizes, shared by the deck, the PDF and the map.

Sober, IDELUX-like: a deep teal primary, greys, one warm accent for the
commune being presented. Sizes are in points; nothing on a slide is below
`MIN_SLIDE_PT` so it reads from the back of a council room.
"""

from __future__ import annotations

PRIMARY_HEX = "#00594F"  # IDELUX teal: adhered communes, titles, the commune's own series
PRIMARY_LIGHT_HEX = "#7FB3AC"  # peers' series
ACCENT_HEX = "#E0A526"  # the commune being presented
RULE_HEX = "#D5D8D6"  # thin rules (the PDF's footer line)
# Status colours (adhesion, orders) are not here: they live in `centrale.domain`, one
# palette for the dashboard, the deck, the PDF and the map image.
DARK_HEX = "#1F2A28"  # body text
GREY_HEX = "#5F6B69"  # secondary text
PALE_HEX = "#EEF4F3"  # tiles' background

MIN_SLIDE_PT = 14
TITLE_PT = 32
BODY_PT = 18
TABLE_PT = 14


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """'#00594F' -> (0, 89, 79)."""
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
