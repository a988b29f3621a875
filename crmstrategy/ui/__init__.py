"""The UI helper, the only part of the package that imports Streamlit (import-linter keeps it so):
the page frame, one transaction per user action, editable tables and the widgets pages share."""
