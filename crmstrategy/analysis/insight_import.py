"""Reading insights from CSV/XLSX: segment and persona names in the file become ids."""

from __future__ import annotations

import re

from pydantic import field_validator

from crmstrategy.analysis.models import INSIGHT_LABELS, InsightCreate
from crmstrategy.core.tabular import ImportPreview, preview_import

IMPORT_LABELS = {k: v for k, v in INSIGHT_LABELS.items()}


def _names(value) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in re.split(r"[;\n]", str(value)) if part.strip()]


class _InsightRow(InsightCreate):
    """A file row: segments and personas by name, resolved by `preview_insight_import`."""

    segments: str | None = None
    personas: str | None = None

    @field_validator("segments", "personas", mode="before")
    @classmethod
    def _as_text(cls, v):
        # A spreadsheet cell holding a name like 2025 arrives as a number.
        return None if v is None else str(v)


def preview_insight_import(
    raw: bytes, filename: str, *, segments: dict[str, int], personas: dict[str, int]
) -> ImportPreview[InsightCreate]:
    """`segments` and `personas` map names (any case) to ids of this workspace."""
    seg = {name.lower(): sid for name, sid in segments.items()}
    per = {name.lower(): pid for name, pid in personas.items()}

    def resolve(row: _InsightRow) -> list[str]:
        reasons = []
        unknown_segments = [n for n in _names(row.segments) if n.lower() not in seg]
        unknown_personas = [n for n in _names(row.personas) if n.lower() not in per]
        if unknown_segments:
            reasons.append("No segment named " + ", ".join(f"'{n}'" for n in unknown_segments) + ".")
        if unknown_personas:
            reasons.append("No persona named " + ", ".join(f"'{n}'" for n in unknown_personas) + ".")
        return reasons

    preview = preview_import(
        raw,
        filename,
        model=_InsightRow,
        labels=IMPORT_LABELS,
        required={"text", "kind", "source_type", "recorded_on"},
        extra_check=resolve,
    )
    # The row was validated as an _InsightRow, which checks every field of an InsightCreate the
    # same way; the ids come from this workspace's names. Validating it all again cost a third of
    # a 5,000-row preview.
    valid = [
        (
            number,
            InsightCreate.model_construct(
                **row.model_dump(exclude={"segments", "personas", "segment_ids", "persona_ids"}),
                segment_ids=[seg[n.lower()] for n in _names(row.segments)],
                persona_ids=[per[n.lower()] for n in _names(row.personas)],
            ),
        )
        for number, row in preview.valid
    ]
    return ImportPreview(valid, preview.rejected)
