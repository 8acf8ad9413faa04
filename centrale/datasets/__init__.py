"""What the pages, reports and command lines show: one function per dataset over the
store (queries, the survey, one commune's briefing, competition gains, outreach), and the
registry of the measures' words. Read-only; Streamlit-free."""
