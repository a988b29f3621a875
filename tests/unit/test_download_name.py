"""Download file names: the workspace, what the file is, and the day, as a safe ASCII name."""

from __future__ import annotations

from datetime import date

import pytest

from crmstrategy.core.text import download_name, slug

DAY = date(2026, 12, 2)


def test_the_example_from_the_plan_page():
    assert download_name("Nordvik Rørhandel", "plan", "xlsx", DAY) == "nordvik-rorhandel-plan-2026-12-02.xlsx"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Demo: Nordvik Rørhandel", "demo-nordvik-rorhandel"),
        ("Ærø & Øst / Göteborg", "aero-ost-goteborg"),
        ("Blåbær Ängelholm", "blabaer-angelholm"),
        ("Café Ñandú", "cafe-nandu"),
        ("Straße", "strasse"),
        ("???", "workspace"),
        ("", "workspace"),
        ("   --  ", "workspace"),
        ("CRM 2027 -- Q1", "crm-2027-q1"),
        ("数据", "workspace"),
    ],
)
def test_slug(name, expected):
    assert slug(name) == expected


def test_a_long_name_is_cut_to_60_characters_without_a_trailing_dash():
    assert slug("a" * 59 + " b" + "c" * 20) == "a" * 59
    assert slug("x" * 100) == "x" * 60
    assert download_name("x" * 100, "strategy", "pdf", DAY) == "x" * 60 + "-strategy-2026-12-02.pdf"


def test_what_is_made_safe_too():
    assert (
        download_name("Demo: Nordvik Rørhandel", "persona-Ivar the installer", "md", DAY)
        == "demo-nordvik-rorhandel-persona-ivar-the-installer-2026-12-02.md"
    )
    assert (
        download_name("Demo", "customer-promise-v3", "pdf", date(2027, 1, 9))
        == "demo-customer-promise-v3-2027-01-09.pdf"
    )
