"""The real Excalidraw and Mermaid in headless Chromium, to check what tradeoff writes.

A pytest plugin (registered in tests/conftest.py) with one session fixture, `excalidraw`:
it builds tests/browser/dist once, serves tests/browser/ on 127.0.0.1, opens one Chromium
page on it (Debian's /usr/bin/chromium driven by Python playwright, never a downloaded
browser) and returns an `ExcalidrawHarness` whose methods call the page's functions
(tests/browser/harness.js). Without node, npm, Chromium or playwright the fixture skips
with the reason, except under CI, where it fails: browser tests are never skipped in CI.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import shutil
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

BROWSER_DIR = Path(__file__).resolve().parent
DIST_ENTRY = BROWSER_DIR / "dist" / "harness.js"
NODE_MODULES = BROWSER_DIR / "node_modules"
# npm writes this on every install; older than package-lock.json means a stale install.
INSTALLED_LOCK = NODE_MODULES / ".package-lock.json"
FONTS_URL_PREFIX = "/node_modules/@excalidraw/excalidraw/dist/prod/fonts/"
# What the page may fetch: the page, the bundle and Excalidraw's fonts, nothing else.
SERVED_URL_PREFIXES = ("/index.html", "/dist/", FONTS_URL_PREFIX)

# The flags this machine's Chromium needs (see the README of the machine kind): without the
# background-networking ones it keeps trying hosts the closed network refuses. Playwright
# adds --headless and a fresh temporary --user-data-dir itself (it refuses one in args).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")

PAGE_LOAD_TIMEOUT_S = 60
CALL_TIMEOUT_S = 60
NPM_TIMEOUT_S = 900

# Element keys whose input value is not compared with the restored one, and why. Only keys
# that Excalidraw documents as filled in by the library whatever the file says belong here.
IGNORED_KEYS = {
    "lastCommittedPoint": (
        "transient editing state of lines and arrows: loadFromBlob's clearElementsForExport "
        "and restore both set it to null on every load, whatever the file holds"
    ),
}
# Values the library treats as the same, so a change from one to the other is no change.
SAME_VALUES = {
    # The element type allows `boundElements: null`, which newElement itself writes for a new
    # element; restore turns it into [] (`element.boundElements ?? []`).
    "boundElements": lambda before, after: before is None and after == [],
}
# Keys whose change is a broken link between elements, reported with their own wording.
BINDING_KEYS = {"containerId", "boundElements", "startBinding", "endBinding", "frameId"}


class HarnessError(RuntimeError):
    """The browser page could not be built, loaded or asked."""


def is_ci() -> bool:
    """CI is set (to anything but an explicit no): browser tests must run, not skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> Path | None:
    """TRADEOFF_CHROMIUM, else Debian's /usr/bin/chromium, else `chromium` on PATH."""
    configured = os.environ.get("TRADEOFF_CHROMIUM")
    if configured:
        return Path(configured)
    if DEFAULT_CHROMIUM.exists():
        return DEFAULT_CHROMIUM
    found = shutil.which("chromium")
    return Path(found) if found else None


def missing_tools() -> list[str]:
    """What this machine lacks to run the browser tests, each with how to get it."""
    missing = []
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            missing.append(f"{tool} (Node.js 20 with npm)")
    chromium = chromium_path()
    if chromium is None:
        missing.append("chromium (apt-get install chromium, or set TRADEOFF_CHROMIUM)")
    elif not chromium.exists():
        missing.append(f"chromium at {chromium} (from TRADEOFF_CHROMIUM): no such file")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append(
            "the Python package playwright (pip install playwright; no browser download)"
        )
    return missing


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def _npm(*args: str) -> None:
    npm = shutil.which("npm") or "npm"
    command = [npm, *args]
    try:
        done = subprocess.run(
            command,
            check=False,
            cwd=BROWSER_DIR,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"`{' '.join(command[1:])}` in {BROWSER_DIR} timed out") from error
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-4000:]
        raise HarnessError(
            f"`npm {' '.join(args)}` in {BROWSER_DIR} failed ({done.returncode}):\n{output}"
        )


def ensure_bundle() -> None:
    """`npm ci` when node_modules is missing or older than the lock, then `npm run build`
    when dist/harness.js is missing or older than what it is built from."""
    lock = BROWSER_DIR / "package-lock.json"
    if _mtime(INSTALLED_LOCK) < _mtime(lock):
        _npm("ci", "--no-audit", "--no-fund", "--loglevel=error")
    sources = [BROWSER_DIR / "harness.js", BROWSER_DIR / "package.json", lock, INSTALLED_LOCK]
    if _mtime(DIST_ENTRY) < max(_mtime(path) for path in sources):
        _npm("run", "build")
    if not DIST_ENTRY.exists():
        raise HarnessError(f"`npm run build` did not write {DIST_ENTRY}")


class _PageRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serves tests/browser/, limited to SERVED_URL_PREFIXES; quiet."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html",
        ".js": "text/javascript",
        ".woff2": "font/woff2",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(BROWSER_DIR), **kwargs)

    def send_head(self):  # type: ignore[no-untyped-def]
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path == "/":
            self.path = path = "/index.html"
        if ".." in path or not path.startswith(SERVED_URL_PREFIXES):
            self.send_error(404, "not served by the test harness")
            return None
        return super().send_head()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_browser_dir() -> http.server.ThreadingHTTPServer:
    """tests/browser/ over HTTP on 127.0.0.1 and a free port, in a daemon thread."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PageRequestHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="browser-harness-http", daemon=True).start()
    return server


def _scene_text(scene: dict[str, Any] | str) -> str:
    return scene if isinstance(scene, str) else json.dumps(scene)


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."


class ExcalidrawHarness:
    """One Chromium page holding the real Excalidraw 0.18.1 and Mermaid 11."""

    def __init__(self, page: Any, console_errors: list[str]) -> None:
        self._page = page
        # Appended to by the page's console and pageerror listeners (see open_harness).
        self.console_errors = console_errors

    def _call(self, function: str, *args: Any, timeout_s: float = CALL_TIMEOUT_S) -> Any:
        from playwright.sync_api import Error as PlaywrightError

        # page.evaluate has no timeout of its own: the page races the call with a timer.
        script = """([name, args, ms]) => Promise.race([
            window[name](...args),
            new Promise((_, reject) => setTimeout(
                () => reject(new Error(`${name} did not answer within ${ms} ms`)), ms)),
        ])"""
        try:
            return self._page.evaluate(script, [function, list(args), int(timeout_s * 1000)])
        except PlaywrightError as error:
            raise HarnessError(f"{function} failed in the page: {error.message}") from error

    def restore(self, scene: dict[str, Any] | str) -> dict[str, Any]:
        """The scene after Excalidraw's own file load (loadFromBlob): elements, appState, files."""
        return json.loads(self._call("restoreScene", _scene_text(scene)))

    def check_scene(self, scene: dict[str, Any] | str) -> list[str]:
        """What Excalidraw changes when it loads the scene, one line each; [] for a clean scene.

        Reports elements dropped or added, every input key whose value restore changed or
        removed, every key restore had to fill in (all but IGNORED_KEYS), broken links
        (containerId, boundElements, startBinding, endBinding, frameId), appState keys
        changed or not kept, and console errors logged while loading. Also reports the one
        link restore leaves alone: an arrow bound to an element whose boundElements does
        not list it, or the reverse (Excalidraw then does not move the arrow with the shape).
        """
        text = _scene_text(scene)
        data = json.loads(text)
        errors_before = len(self.console_errors)
        try:
            restored = self.restore(text)
        except HarnessError as error:
            return [f"Excalidraw refused the scene: {error}"]
        problems = _element_problems(data.get("elements") or [], restored["elements"])
        problems += _one_way_links(restored["elements"])
        problems += _app_state_problems(data.get("appState") or {}, restored["appState"])
        problems += [f"console error: {e}" for e in self.console_errors[errors_before:]]
        return problems

    def export_png(self, scene: dict[str, Any] | str, scale: float = 1) -> bytes:
        """The PNG Excalidraw's exportToBlob draws for the scene, with its fonts loaded."""
        return base64.b64decode(self._call("exportPng", _scene_text(scene), scale))

    def measure_text(self, texts: Sequence[str], font_family: int, font_size: float) -> list[float]:
        """Widths Excalidraw gives new text elements of these texts (fontFamily number, px)."""
        return self._call("measureText", list(texts), font_family, font_size)

    def parse_mermaid(self, text: str) -> str | None:
        """None when mermaid.parse accepts the text, else its error message."""
        result = self._call("parseMermaid", text)
        return None if result["ok"] else result["error"]

    def fractional_keys(self, n: int) -> list[str]:
        """The index keys Excalidraw assigns to n new elements, in order."""
        return self._call("fractionalKeys", n)


def _element_problems(elements: list[dict[str, Any]], restored: list[dict[str, Any]]) -> list[str]:
    problems = []
    restored_by_id = {element["id"]: element for element in restored}
    input_ids = [element.get("id") for element in elements]
    seen: set[Any] = set()
    for element in elements:
        element_id = element.get("id")
        label = f"{element.get('type')} {element_id!r}"
        if element_id in seen:
            problems.append(f"{label}: duplicate id (restore gives the copy a new random id)")
            continue
        seen.add(element_id)
        after = restored_by_id.get(element_id)
        if after is None:
            why = (
                " (isDeleted: deleted elements are not loaded)" if element.get("isDeleted") else ""
            )
            problems.append(f"{label}: dropped by restore{why}")
            continue
        for key in sorted(set(element) | set(after)):
            if key in IGNORED_KEYS:
                continue
            problem = _key_problem(key, element, after)
            if problem:
                problems.append(f"{label}: {problem}")
    for element_id in restored_by_id.keys() - set(input_ids):
        problems.append(f"{restored_by_id[element_id]['type']} {element_id!r}: added by restore")
    return problems


def _key_problem(key: str, before: dict[str, Any], after: dict[str, Any]) -> str | None:
    if key not in after:
        return f"{key} removed by restore (was {_short(before[key])})"
    if key not in before:
        return f"{key} missing; restore filled in {_short(after[key])}"
    if before[key] == after[key] or (
        key in SAME_VALUES and SAME_VALUES[key](before[key], after[key])
    ):
        return None
    if key in BINDING_KEYS:
        return (
            f"{key} repaired by restore (a link to an element that is missing or does not "
            f"link back): {_short(before[key])} -> {_short(after[key])}"
        )
    return f"{key} changed by restore: {_short(before[key])} -> {_short(after[key])}"


def _one_way_links(elements: list[dict[str, Any]]) -> list[str]:
    """Arrow bindings that restore keeps although the bound element does not list the arrow
    (or lists an arrow that is not bound to it)."""
    problems = []
    by_id = {element["id"]: element for element in elements}
    for element in elements:
        if element.get("type") != "arrow":
            continue
        for end in ("startBinding", "endBinding"):
            target = by_id.get((element.get(end) or {}).get("elementId"))
            listed = {bound.get("id") for bound in (target or {}).get("boundElements") or []}
            if target is not None and element["id"] not in listed:
                problems.append(
                    f"arrow {element['id']!r}: {end} names {target['id']!r}, "
                    "whose boundElements does not list the arrow"
                )
    for element in elements:
        for bound in element.get("boundElements") or []:
            arrow = by_id.get(bound.get("id"))
            if bound.get("type") != "arrow" or arrow is None:
                continue
            ends = [
                (arrow.get(end) or {}).get("elementId") for end in ("startBinding", "endBinding")
            ]
            if element["id"] not in ends:
                problems.append(
                    f"{element.get('type')} {element['id']!r}: boundElements lists arrow "
                    f"{arrow['id']!r}, which is not bound to it"
                )
    return problems


def _app_state_problems(app_state: dict[str, Any], restored: dict[str, Any]) -> list[str]:
    problems = []
    for key, value in app_state.items():
        if key not in restored:
            problems.append(f"appState.{key}: not kept by restore")
        elif restored[key] != value:
            problems.append(
                f"appState.{key} changed by restore: {_short(value)} -> {_short(restored[key])}"
            )
    return problems


def open_harness(chromium: Path) -> tuple[Any, ExcalidrawHarness]:
    """Starts Playwright, Chromium and the page; returns (cleanup, harness)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    server = serve_browser_dir()
    playwright = sync_playwright().start()
    browser = None

    def close() -> None:
        try:
            if browser is not None:
                browser.close()
        finally:
            playwright.stop()
            server.shutdown()
            server.server_close()

    try:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, timeout=PAGE_LOAD_TIMEOUT_S * 1000
        )
        page = browser.new_page()
        console_errors: list[str] = []
        failed_requests: list[str] = []
        page.on(
            "console",
            lambda message: (
                console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
        page.on(
            "requestfailed",
            lambda request: failed_requests.append(f"{request.url}: {request.failure}"),
        )
        page.on(
            "response",
            lambda response: (
                failed_requests.append(f"{response.url}: HTTP {response.status}")
                if response.status >= 400
                else None
            ),
        )
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        ready = False
        try:
            page.goto(url, wait_until="load", timeout=PAGE_LOAD_TIMEOUT_S * 1000)
            page.wait_for_function(
                "() => window.harnessReady === true || window.harnessErrors.length > 0",
                timeout=PAGE_LOAD_TIMEOUT_S * 1000,
            )
            load_errors = page.evaluate("() => window.harnessErrors")
            ready = page.evaluate("() => window.harnessReady === true")
        except PlaywrightError as error:
            load_errors = [error.message]
        if load_errors or not ready:
            details = (
                "\n  ".join([*load_errors, *console_errors, *failed_requests]) or "no error text"
            )
            raise HarnessError(
                f"the harness page {url} did not load (is {DIST_ENTRY} built?):\n  {details}"
            )
    except BaseException:
        close()
        raise
    return close, ExcalidrawHarness(page, console_errors)


def _unavailable(reason: str) -> None:
    if is_ci():
        pytest.fail(f"browser tests cannot run: {reason} (CI is set, so they may not skip)")
    pytest.skip(f"browser tests need {reason}")


@pytest.fixture(scope="session")
def excalidraw() -> Iterator[ExcalidrawHarness]:
    """The real Excalidraw and Mermaid in one headless Chromium page for the whole session."""
    missing = missing_tools()
    if missing:
        _unavailable(", ".join(missing))
    ensure_bundle()
    chromium = chromium_path()
    assert chromium is not None  # missing_tools() said so
    close, harness = open_harness(chromium)
    try:
        yield harness
    finally:
        close()
