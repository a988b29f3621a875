"""Helpers shared by the integration tests."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from crmstrategy.core.db import unit_of_work
from crmstrategy.core.errors import ValidationProblem


def refusal_of(engine, service, **kwargs) -> ValidationProblem:
    """Run `service` in one unit of work and return the ValidationProblem it must raise."""
    with pytest.raises(ValidationProblem) as refusal:
        with unit_of_work(engine) as session:
            service(session=session, **kwargs)
    return refusal.value


def xlsx_of(rows: list[list]) -> bytes:
    """A workbook written by openpyxl with `rows` on its first sheet (formulas never calculated)."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
