"""Browser fixtures: `streamlit run app.py` on a free loopback port with a temp database,
driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlmodel import Session

from crmstrategy.core.db import make_engine, read_session, unit_of_work, upgrade
from crmstrategy.workspace.workspaces import create_workspace
from tests.conftest import ROOT

# An assertion waits as long as an action may (the context's default timeout): on two busy cores a
# rerun can take longer than Playwright's 5 s default, and a slow machine is not a failure.
expect.set_options(timeout=20_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("CRMSTRATEGY_SCREENSHOTS", "/tmp/crmstrategy-screenshots"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = os.environ | {"CRMSTRATEGY_DATABASE_URL": database_url}
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not answer within 60 s; see {log_path}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-server")
    process, url = start_server(f"sqlite:///{folder / 'browser.db'}", folder / "streamlit.log")
    yield url
    stop_server(process)


@contextmanager
def own_server(folder: Path, setup: Callable[[Session], dict]) -> Iterator[SimpleNamespace]:
    """A server on a database of its own, prepared through the services before it starts (so
    the demo is not loaded): yields url, engine and whatever `setup(session)` returned."""
    url = f"sqlite:///{folder / 'own.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(engine) as session:
        values = setup(session)
    process, server_url = start_server(url, folder / "streamlit.log")
    try:
        yield SimpleNamespace(url=server_url, engine=engine, **values)
    finally:
        stop_server(process)
        engine.dispose()


@contextmanager
def empty_workspace_server(folder: Path, name: str) -> Iterator[SimpleNamespace]:
    """A server on a database holding one new, empty workspace called `name` (its id is `ws`)."""
    with own_server(folder, lambda session: {"ws": create_workspace(session=session, data={"name": name}).id}) as env:
        yield env


def read_in(env: SimpleNamespace, fn, **kwargs):
    """A read service on an own_server's database, for its workspace `env.ws`."""
    with read_session(env.engine) as session:
        return fn(session=session, workspace_id=env.ws, **kwargs)


def new_page(browser) -> Page:
    """A page in a browser context of its own (its own cookies and session), as a second user."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    return context.new_page()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/setup.sh dev installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def settle(page: Page, timeout: int = 20_000) -> None:
    """Wait until Streamlit has finished the current run (`timeout` ms: more for a run that loads
    the demo or draws charts on a busy machine)."""
    page.wait_for_timeout(250)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=timeout)
    # The status widget shows only for runs that take a while; the app's own state says when a
    # run (and the rerun an action may ask for) has ended, and its elements are in place.
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
    expect(page.locator("h1").first).to_be_visible()


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def goto(page: Page, url: str, timeout: int = 20_000) -> Page:
    page.goto(url, timeout=timeout)
    settle(page, timeout)
    no_exception(page)
    return page


def by_key(page: Page, key: str, inner: str = ""):
    """The element Streamlit created with `key=` (it carries the class st-key-<key>), or a page's own
    widget `key` in the workspace shown (st-key-<key>_w<workspace>, crmstrategy.ui.workspace_keys)."""
    inner = f" {inner}" if inner else ""
    return page.locator(f".st-key-{key}{inner}, [class*='st-key-{key}_w']{inner}").first


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def add_row_in_editor(page: Page, rows_before: int, value: str) -> None:
    """Type `value` into the first column of a new row of the (canvas) data editor.

    Clicking the trailing empty row appends a row and opens its first cell's editor.
    """
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("canvas").first).to_be_visible()
    box = grid.bounding_box()
    row_height = box["height"] / (rows_before + 2)  # header, rows, trailing "add" row
    grid.click(position={"x": 60, "y": row_height * (rows_before + 1.5)})
    editor = page.get_by_test_id("portal").locator(".gdg-clip-region textarea")
    expect(editor).to_be_visible()
    settle(page)  # adding the row reruns the app once
    editor.fill(value)
    page.keyboard.press("Enter")
    settle(page)


def current_workspace(page: Page):
    """The workspace switcher in the sidebar (its value is the current workspace's name)."""
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name="Workspace")


def click_option(page: Page, box: Locator, option: str) -> None:
    """Open the list of a selectbox or multiselect (`box` is its input), type `option` and click it.
    Now and then the list is drawn again just as the click lands, and Playwright, finding the option
    detached each time, retries until its timeout: then the list is closed and opened afresh."""
    attempts = 3
    for attempt in range(attempts):
        box.click()
        box.fill(option)
        try:
            page.get_by_role("option", name=option, exact=True).first.click(timeout=6_000)
            return
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
            box.press("Escape")  # nothing was chosen: this only closes the list


def choose(page: Page, key: str, option: str) -> None:
    """Pick `option` in the selectbox or multiselect created with `key=` (type, click, Escape)."""
    click_option(page, by_key(page, key, "input"), option)
    page.keyboard.press("Escape")


# --- the (canvas) data editors --------------------------------------------------------------------
# An editable table's key is `<kind>_<ws>_<item>_v<tag>_<n>`: the version it was drawn from and a
# counter that moves on at each save, so it changes whenever the table is drawn afresh. Tests find a
# table by the stable start of its key. Streamlit draws the header and every row 35 px high.
ROW_PX = 35


def table(page: Page, prefix: str):
    """The data editor whose key starts with `prefix` (e.g. "goal_milestones_3_7_v"), scrolled into
    view and drawn; "start*part" also asks the key to hold `part` (the agreed values of Strengths,
    "strength_factors_*_agreed_", share the key factors' start). Call it again after every rerun:
    each save draws the grid afresh."""
    start, _, part = prefix.partition("*")
    holds = f"[class*='{part}']" if part else ""
    grid = page.locator(f"[class*='st-key-{start}']{holds} [data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed()
    expect(grid.locator("canvas").first).to_be_visible()
    return grid


def select_cell(page: Page, prefix: str, row: int, column: int) -> None:
    """Select the cell in row `row` (0 = the first row below the header) and the `column`-th editable
    column from the left (0 = the first one), by clicking the row's first cell and moving right."""
    grid = table(page, prefix)
    grid.click(position={"x": 60, "y": ROW_PX * (row + 1.5)})
    # A click on the cell that is selected already opens its editor: close it, keeping the selection.
    page.wait_for_timeout(300)
    if page.get_by_test_id("portal").locator("input, textarea").count():
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("portal").locator("input, textarea")).to_have_count(0)
    for _ in range(column):
        page.keyboard.press("ArrowRight")


def cell_editor(page: Page):
    """The overlay editor of the open cell (a text area, a number or a date input)."""
    editor = page.get_by_test_id("portal").locator("input, textarea").first
    expect(editor).to_be_visible()
    return editor


def type_cell(page: Page, prefix: str, row: int, column: int, value: str, *, expect_value=None) -> None:
    """Type `value` into one cell of a data editor and commit it: select the cell afresh, open its
    editor with Enter, fill it (a date as YYYY-MM-DD), commit with Enter and wait for the rerun the
    commit starts (every table saves each change at once), so the next cell is typed into the grid
    as it is drawn then. `expect_value` (a string or a regex) is checked in the editor before typing."""
    for attempt in range(2):
        select_cell(page, prefix, row, column)
        page.keyboard.press("Enter")
        try:
            editor = cell_editor(page)
            break
        except AssertionError:
            if attempt:
                raise
            settle(page)  # the grid was drawn afresh under the keys (a save's rerun): select it again
    if expect_value is not None:
        expect(editor).to_have_value(expect_value)
    editor.fill(value)
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_test_id("portal").locator("input, textarea")).to_have_count(0)


def add_row(page: Page, prefix: str, rows_before: int = 0) -> None:
    """Click the trailing "add" row below `rows_before` rows: the grid appends a row (the app reruns
    once, with nothing to save yet); the row's cells are typed into with `type_cell`."""
    grid = table(page, prefix)
    grid.click(position={"x": 60, "y": ROW_PX * (rows_before + 1.5)})
    settle(page)
    page.keyboard.press("Escape")  # close the first cell's editor, if the grid opened it
    settle(page)


# The browser tests in two groups of about equal length (`--dist loadgroup`), one a worker: they
# mostly wait for the app and the browser, so two at once finish in about half the time, and their
# assertions wait as long as their actions may (expect's timeout above), so a busy core only slows
# them. The whole workshop and the accessibility scans are the one group, the rest the other.
_SECOND_GROUP = ("test_workshop.py", "test_accessibility.py")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            group = "browser-walk" if item.path.name in _SECOND_GROUP else "browser"
            item.add_marker(pytest.mark.xdist_group(group))
