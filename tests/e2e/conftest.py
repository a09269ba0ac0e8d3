"""Browser journeys in the system Chromium (Debian's `chromium`), on a phone-sized window."""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# htmx answers within a second on an idle machine; CI runs both suites on two busy cores.
expect.set_options(timeout=15_000)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


class HeldScript:
    """The page's htmx script, held back from `hold()` until `release()`: a slow phone's
    first seconds, when the page is there and its script is not yet."""

    def __init__(self, page):
        self.page = page
        self.requests = []

    def hold(self) -> None:
        self.page.route(
            re.compile(r"/django_htmx/htmx[^/]*\.js"), lambda route: self.requests.append(route)
        )

    def release(self) -> None:
        for _ in range(100):
            if self.requests:
                break
            self.page.wait_for_timeout(50)
        assert len(self.requests) == 1, "the page asked for htmx once"
        self.requests[0].continue_()


@pytest.fixture
def htmx_held_back(page):
    return HeldScript(page)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Without Chromium, tests/conftest.py (TOOLS) skips every test before it gets here.
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "is_mobile": True}


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# Accessibility: axe-core (vendored from the npm registry, tests/e2e/vendor/, never served to
# users) runs on every page the journeys load and fails the test on any WCAG 2.1 A or AA
# violation. Axe comes in as an init script on every document and reports through a binding.
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = f"""
(function () {{
  function run() {{
    if (window.__axeDone) return;
    window.__axeDone = true;
    axe.run(document, {{runOnly: {{type: "tag", values: {AXE_TAGS!r}}}, resultTypes: ["violations"]}})
      .then(function (r) {{ window.__axeFinished = true; window.__axeReport(location.href, r.violations.map(function (v) {{
        return {{id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map(function (n) {{ return n.target.join(" "); }})}};
      }})); }});
  }}
  if (window.top !== window || location.protocol === "about:") return;
  if (document.readyState === "complete") setTimeout(run, 0);
  else window.addEventListener("load", function () {{ setTimeout(run, 0); }});
}})();
"""
AXE_CHECKED: set[str] = set()


def axe_violations_text(url: str, violations) -> str:
    return "\n".join(
        f"{url}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])}" for v in violations
    )


@pytest.fixture(autouse=True)
def axe(request):
    """Check every HTML page the browser loads; `axe.check()` checks the page as it is now."""
    if "page" not in request.fixturenames:
        yield None
        return
    page = request.getfixturevalue("page")
    reports: list[tuple[str, list]] = []  # one per page load
    checked: list[tuple[str, list]] = []  # pages as they stood after a swap
    loaded: list[str] = []

    def report(source, url, violations):
        reports.append((url, violations))

    page.expose_binding("__axeReport", report)

    # An init script runs before the page's own scripts and outside its CSP.
    page.add_init_script(AXE_SOURCE + ";\n" + AXE_RUN)
    page.on("load", lambda loaded_page: loaded.append(loaded_page.url))

    class Checker:
        def check(self):
            """Axe on the page as it stands (after htmx swapped part of it)."""
            # Polled from here: the page's CSP refuses the eval that wait_for_function uses.
            for _ in range(100):
                if page.evaluate("window.__axeFinished === true"):
                    break
                page.wait_for_timeout(100)
            found = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                " resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id,"
                " help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))",
                AXE_TAGS,
            )
            checked.append((page.url + " (as it stands)", found))

    yield Checker()
    # The last page may still be running: give it a moment to report.
    deadline = 50
    while len(reports) < len(loaded) and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    results = reports + checked
    AXE_CHECKED.update(url.split("?")[0].split("#")[0] for url, _ in results)
    failures = [axe_violations_text(url, found) for url, found in results if found]
    assert not failures, "WCAG 2.1 A/AA violations:\n" + "\n".join(failures)


def pytest_terminal_summary(terminalreporter):
    if AXE_CHECKED:
        terminalreporter.write_line(
            f"axe-core: {len(AXE_CHECKED)} pages checked for WCAG 2.1 A/AA, 0 violations allowed"
        )
