"""Writes one benchmark's section of benchmarks/RESULTS.md, between its markers, leaving the
other sections byte-identical."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(name: str, title: str, stamp: str, body: str, results: Path = RESULTS) -> None:
    """Replaces the text between `<!-- name -->` and `<!-- /name -->` (appends it if absent),
    naming the command that made it (the running script, with its arguments)."""
    import sys

    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    script = Path(sys.argv[0]).resolve()
    here = script.relative_to(RESULTS.parent.parent) if script.is_relative_to(RESULTS.parent.parent) else script.name
    command = " ".join(["python", str(here), *sys.argv[1:]])
    section = "\n".join([start, f"## {title}", "", f"Made by `{command}`.", "", stamp, "", body, end])
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")


def table(head: list[str], rows: list[list[str]], md: bool) -> str:
    """A Markdown table, or plain aligned columns for the terminal."""
    if md:
        out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        return "\n".join(out + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]

    def line(r: list[str]) -> str:
        return "  ".join(str(x).ljust(w) for x, w in zip(r, widths))

    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])
