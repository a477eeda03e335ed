"""`tradeoff doc`: the design document in Markdown (CommonMark, images intact) and HTML
(renders in headless Chromium with no console errors), for every bundled example."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.examples import example_path, list_examples
from tradeoff.io.load import load_design, load_design_text
from tradeoff.render.doc import DRAFTED, write_doc

runner = CliRunner()
SECTIONS = ["## 1. Requirements", "## 2. The numbers", "## 3. High-level design", "## 4. Decisions",
            "## 5. Deep dives", "## 6. Scalability: what changes at 10x and 100x", "## 7. Availability and cost",
            "## 8. Wrap-up",
            "## Open findings"]


@pytest.fixture(scope="module")
def docs() -> dict[str, dict[str, str]]:
    return {name: write_doc(load_design(example_path(name)), ["md", "html"]) for name in list_examples()}


@pytest.mark.parametrize("name", list_examples())
def test_every_phase_and_every_element_of_the_design_is_in_the_document(docs, name):
    md = docs[name]["design.md"]
    design = load_design(example_path(name))
    at = [md.index(s) for s in SECTIONS]
    assert at == sorted(at)  # all there, in the playbook's order
    assert f"> {' '.join(design.wrap_up.summary.split())}" in md  # the design's own summary, not a draft
    assert DRAFTED not in md.split("## 6.")[0]
    for uc in design.use_cases:
        assert f"  - {uc.id}" in md
    for d in design.decisions:
        assert f"### {d.title or d.id}" in md
        assert ("4. **Tradeoff**" in md) == any(x.tradeoff for x in design.decisions)
    for topic in type(design.deep_dives).model_fields:
        if getattr(design.deep_dives, topic) is not None:
            assert f"### {topic.replace('_', ' ').capitalize()}" in md
    for c in design.components:
        assert f"| {c.label} | {c.kind.value} |" in md
    for ch in design.changes:
        assert f"### {ch.id}:" in md


@pytest.mark.parametrize("name", list_examples())
def test_the_markdown_is_commonmark_with_its_image_beside_it(docs, name):
    tokens = MarkdownIt("commonmark").enable("table").parse(docs[name]["design.md"])
    images = [c for t in tokens if t.type == "inline" for c in (t.children or []) if c.type == "image"]
    assert [i.attrs["src"] for i in images] == ["canvas.svg"]
    assert docs[name]["canvas.svg"].startswith("<svg")
    assert any(t.type == "table_open" for t in tokens)  # the numbers and components are real tables
    # no text of the design turns into a heading of its own (a bare list marker is a setext underline)
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    expected = [s[3:] for s in SECTIONS]
    if load_design(example_path(name)).changes:
        expected.insert(8, "9. Constraint changes")
    assert h2 == expected


def test_a_design_without_a_wrap_up_gets_a_drafted_one_marked_so():
    text = example_path("url-shortener").read_text()
    bare = text[: text.index("\nwrap_up:")] + "\n" + text[text.index("\nchanges:"):]
    md = write_doc(load_design_text(bare), ["md"])["design.md"]
    assert md.count(DRAFTED) >= 3  # the summary, what changes at 10x and 100x, the wrap-up
    summary = md.split("\n")[2]
    assert summary.startswith("> ") and "components" in summary and "first limit" in summary
    wrap = md.split("## 8. Wrap-up")[1]
    design = load_design_text(bare)
    # v1 is the must use cases, v2 the rest (from the requirements' priorities)
    assert [ln[6:] for ln in wrap.splitlines() if ln.startswith("- v1: ")] == \
        [u.id for u in design.use_cases if u.priority.value == "must"]
    assert "### Deferred work" in wrap and "at 10x it needs" in wrap


def test_the_command_writes_both_formats_byte_identically_and_never_over_the_design(tmp_path):
    out = tmp_path / "doc"
    a = runner.invoke(app, ["doc", "chat", "-o", str(out)])
    assert a.exit_code == 0, a.stderr
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(first) == {"design.md", "canvas.svg", "design.html"}
    assert runner.invoke(app, ["doc", "chat", "-o", str(out)]).exit_code == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    bad = runner.invoke(app, ["doc", "chat", "-f", "pdf", "-o", str(out)])
    assert bad.exit_code == 2 and "md,html" in bad.stderr


@pytest.mark.parametrize("name", list_examples())
def test_the_html_renders_in_chromium_with_no_console_errors(excalidraw, docs, name, tmp_path):
    html = tmp_path / "design.html"
    html.write_text(docs[name]["design.html"], encoding="utf-8")
    context = excalidraw._page.context.browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        # the inlined canvas decoded to a real picture
        width = page.evaluate("() => document.querySelector('img').naturalWidth")
        headings = page.evaluate("() => [...document.querySelectorAll('h2')].map(h => h.textContent)")
        page.screenshot(path=str(tmp_path / "design.png"), full_page=False)
    finally:
        context.close()
    assert errors == []
    assert width > 1000
    assert headings[:3] == ["1. Requirements", "2. The numbers", "3. High-level design"]
    assert Path(tmp_path / "design.png").stat().st_size > 10_000
