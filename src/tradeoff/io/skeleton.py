"""`tradeoff new`: a commented design skeleton, empty or seeded from a bundled example."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from tradeoff.errors import UsageError
from tradeoff.examples import example_path, list_examples

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


def skeleton_text(name: str) -> str:
    template = resources.files("tradeoff.io").joinpath("skeleton.design.yaml").read_text(encoding="utf-8")
    return template.replace("{name}", name)


def new_design(name: str, directory: str | Path = ".", from_problem: str | None = None) -> Path:
    """Write NAME.design.yaml; never overwrite an existing file."""
    if not _NAME_RE.match(name):
        raise UsageError(f"'{name}' is not a usable design name", "use letters, digits, '-', '_' or '.', e.g. url-shortener")
    target = Path(directory) / f"{name}.design.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists; not overwriting it", "choose another name or remove the file")
    if from_problem is not None:
        if from_problem not in list_examples():
            raise UsageError(f"unknown problem '{from_problem}'", f"known problems: {', '.join(list_examples())}")
        text = example_path(from_problem).read_text(encoding="utf-8")
        text = re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M)
    else:
        text = skeleton_text(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:  # "x": fail rather than overwrite
        fh.write(text)
    return target
