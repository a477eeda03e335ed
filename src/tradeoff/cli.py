"""The command line: parse options, call the library, print. No logic lives here."""

from __future__ import annotations

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


@app.command()
def version() -> None:
    """Print the version."""
    from tradeoff import __version__

    typer.echo(__version__)


def main() -> None:
    app()
