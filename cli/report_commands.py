"""``ckg report NAME --out FILE``: the reports of the ``/reports`` page as a PNG plot or a CSV table.

The data comes from the same domain functions as GraphQL; PNGs are drawn with matplotlib (its Agg
backend: no display needed). Like the page, nothing here names a person or counts a sensitive tag.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from ckg.cli.output import console, fail, friendly_errors
from ckg.graph import reports
from ckg.graph.db import Database, open_database
from ckg.graph.quality import data_quality
from ckg.graph.settings import get_settings
from ckg.graph.tags.explain import tags_held

#: A report: its table (header, rows) and, for the plot, labels, series names and their values.
Table = tuple[list[str], list[list[Any]]]


def _channel_quality(db: Database) -> Table:
    rows = reports.channel_quality(db)
    return (["channel", "customers", "buyer_rate", "repeat_rate", "usd_per_customer", "mean_p_alive"],
            [[r["name"], r["customers"], round(r["buyerRate"], 4), round(r["repeatRate"], 4),
              round(r["spendPerCustomer"], 2), None if r["meanPAlive"] is None else round(r["meanPAlive"], 4)]
             for r in rows])


def _marketing_sensitivity(db: Database) -> Table:
    rows = [r for r in tags_held(db, include_sensitive=False) if r["family"] == "marketing_sensitivity"]
    return ["tag", "customers"], [[r["name"], r["holders"]] for r in sorted(rows, key=lambda r: r["name"])]


def _referral_fission(db: Database) -> Table:
    f = reports.referral_cascades(db, largest=0)
    return ["depth", "size", "cascades"], [[c["depth"], c["size"], c["count"]] for c in f["cascades"]]


def _warehouse_demand(db: Database) -> Table:
    rows = reports.warehouse_demand(db, 90, 20)
    return (["country", "category", "warehouse", "units", "revenue_usd"],
            [[r["country"], r["category"], r["warehouse"], r["units"], round(r["revenueUsd"], 2)] for r in rows])


def _tag_coverage(db: Database) -> Table:
    checks = [c for c in data_quality(db).checks if c.area == "tags"]
    return (["dimension", "customers", "of", "share"],
            [[c.name.removeprefix("dimension "), c.count, c.total, c.value] for c in checks])


def _data_quality(db: Database) -> Table:
    checks = data_quality(db).checks
    return (["status", "area", "check", "share", "count", "total", "threshold", "detail"],
            [[c.status, c.area, c.name, c.value, c.count, c.total, c.threshold, c.detail] for c in checks])


#: name -> (table builder, label columns, value columns plotted, plot title)
REPORTS: dict[str, tuple[Callable[[Database], Table], list[int], list[int], str]] = {
    "channel-quality": (_channel_quality, [0], [2, 3], "Buyer and repeat rate per acquisition channel"),
    "marketing-sensitivity": (_marketing_sensitivity, [0], [1], "Customers per marketing sensitivity"),
    "referral-fission": (_referral_fission, [0, 1], [2], "Referral cascades by depth and size"),
    "warehouse-demand": (_warehouse_demand, [0, 1], [3], "Units by country and category, last 90 days"),
    "tag-coverage": (_tag_coverage, [0], [3], "Share of customers with a tag, per dimension"),
    "data-quality": (_data_quality, [0, 2], [3], "Data-quality checks (share)"),
}


def _plot(path: Path, title: str, header: list[str], rows: list[list[Any]], labels: list[int],
          values: list[int]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [" · ".join(str(r[i]) for i in labels) for r in rows]
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.32 * len(rows) * len(values) + 1.2)))
    height = 0.8 / len(values)
    for k, col in enumerate(values):
        ys = [i + k * height for i in range(len(rows))]
        ax.barh(ys, [float(r[col] or 0) for r in rows], height=height, label=header[col])
    ax.set_yticks([i + height * (len(values) - 1) / 2 for i in range(len(rows))], names, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title)
    if len(values) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


@friendly_errors
def report(name: str = typer.Argument(..., help=f"One of: {', '.join(REPORTS)}."),
           out: Path = typer.Option(..., "--out", help="Where to write it: a .png plot or a .csv table.")) -> None:
    """Render a report of the /reports page from the command line, as a PNG plot or a CSV table."""
    if name not in REPORTS:
        raise fail(f"unknown report {name!r}: choose one of {', '.join(REPORTS)}")
    if out.suffix.lower() not in (".png", ".csv"):
        raise fail(f"{out}: --out must end in .png or .csv")
    build, labels, values, title = REPORTS[name]
    with open_database(get_settings()) as db:
        header, rows = build(db)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        with open(out, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
    else:
        _plot(out, title, header, rows, labels, values)
    console.print(f"wrote {out} ({len(rows)} rows)")


def register(app: typer.Typer) -> None:
    app.command()(report)
