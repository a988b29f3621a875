"""The core every step stands on: database, clock, errors, validation and field types, text,
tabular import (an XLSX streamed by xlsx_rows), the data-editor mapping, versioning and the workspace row."""
