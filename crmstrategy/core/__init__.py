"""The core every step stands on: database, clock, errors, validation and field types, text,
tabular import, the data-editor mapping, versioning and the workspace row."""
