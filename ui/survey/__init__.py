"""The tabs of the "Enquête des besoins" page (pages/survey.py), one module per tab.

`campaign` (who answered, who to remind), `entry` (an answer typed in),
`imports` (a survey tool's export, with its column mapping), `results`
(rankings, trends, the 2.0 shortlist, conversion) and `answers` (the
filterable table); `common` holds what several of them share. Widgets and
layout only: reads go through `ui.data.load`, writes through
`centrale.intake.survey_entry` / `survey_import`.
"""
