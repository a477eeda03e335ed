"""Writes one benchmark's section of benchmarks/RESULTS.md, between its markers, leaving the
other sections byte-identical."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(name: str, title: str, stamp: str, body: str, results: Path = RESULTS) -> None:
    """Replaces the text between `<!-- name -->` and `<!-- /name -->` (appends it if absent)."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    section = "\n".join([start, f"## {title}", "", stamp, "", body, end])
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")
