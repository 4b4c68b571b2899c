"""``ckg convert ...``: public data sets turned into the dataset format, ready for ``ckg load``."""

from __future__ import annotations

from pathlib import Path

import typer

from ckg.cli.output import console, friendly_errors
from ckg.loaders import cdnow

app = typer.Typer(help="Convert public data sets into the dataset format (then `ckg load DIR`).",
                  no_args_is_help=True)


@app.command("cdnow")
@friendly_errors
def cdnow_(source: Path = typer.Argument(..., help="CDNOW_sample.txt, or the Lifetimes wheel holding it "
                                        "(make setup puts it in .ckg/reference/)."),
           out: Path = typer.Option(..., "--out", help="Directory to write the dataset into.")) -> None:
    """The CDNOW sample (2,357 customers, 1997-98) as customers, orders and one product."""
    counts = cdnow.convert(source, out)
    console.print(", ".join(f"{name} {n}" for name, n in counts.items()))
    console.print(f"wrote {out}; load it with `ckg load {out}`, then fit on the paper's calibration period "
                  f"with `ckg tags refresh --only likely_to_buy_soon --as-of {cdnow.CALIBRATION_END}`")
