"""CRM Strategy Workbench domain: tables, services, calculations and exports (no Streamlit here)."""
