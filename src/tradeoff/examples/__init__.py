"""The bundled example designs: the problem bank's first entries and every test's fixtures."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SUFFIX = ".design.yaml"


def example_dir() -> Path:
    return Path(str(resources.files("tradeoff.examples")))


def list_examples() -> list[str]:
    return sorted(p.name[: -len(SUFFIX)] for p in example_dir().glob(f"*{SUFFIX}"))


def example_path(name: str) -> Path:
    return example_dir() / f"{name}{SUFFIX}"


def resolve(design: str | Path) -> Path:
    """A path as given, or a bundled example's path when `design` names one and no such file exists."""
    path = Path(design)
    if not path.exists() and str(design) in list_examples():
        return example_path(str(design))
    return path


def is_bundled(path: str | Path) -> bool:
    """Whether a path is one of the bundled examples (which tradeoff never writes into)."""
    try:
        return Path(path).resolve().parent == example_dir().resolve()
    except OSError:
        return False
