"""CDNOW, a real shop's purchase log, converted into the dataset format (``ckg convert cdnow``).

The CDNOW sample (Fader, Hardie and Lee 2005; shipped in the Lifetimes wheel that ``make setup``
downloads into ``.ckg/reference/``) holds 6,919 purchases of 2,357 customers who first bought
in the first quarter of 1997, followed until the end of June 1998. Each line is
``master-id sample-id yyyymmdd CDs dollars``. It becomes:

- ``customers.csv``: one per sample id (``cdnow-<id>``), registered at their first purchase;
  CDNOW recorded no country, so every customer gets ``US`` (the shop was American);
- ``orders.csv``: one per line, placed at midnight UTC of its date, ``delivered``, in USD;
- ``categories.csv``, ``products.csv``, ``order_items.csv``: the log names no title, so every
  order holds one line of a single product ``cdnow-cd`` with the number of CDs as quantity.

No other file: the rest of the format is optional. The paper's calibration period is the first
39 weeks (purchases up to 1997-09-30, :data:`CALIBRATION_END`), its holdout weeks 40-78.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ckg.graph.errors import InputError
from ckg.loaders.format import HEADERS

#: Where the sample sits inside the Lifetimes wheel.
WHEEL_MEMBER = "lifetimes/datasets/CDNOW_sample.txt"
#: End of the paper's 39-week calibration period (``ckg tags refresh --as-of``).
CALIBRATION_END = "1997-09-30T00:00:00Z"
#: End of its holdout period (weeks 40-78).
HOLDOUT_END = "1998-06-30T00:00:00Z"
PRODUCT = "cdnow-cd"
CATEGORY = "cdnow-music"


@dataclass(frozen=True)
class Purchase:
    customer: str
    day: date
    cds: int
    dollars: float


def read_text(source: Path) -> str:
    """The sample's text, from the text file itself or from a wheel/zip holding it."""
    if not source.is_file():
        raise InputError(f"{source}: no such file")
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zf:
            try:
                return zf.read(WHEEL_MEMBER).decode("ascii")
            except KeyError:
                raise InputError(f"{source}: no {WHEEL_MEMBER} inside") from None
    return source.read_text(encoding="ascii")


def parse(text: str) -> list[Purchase]:
    """Lines of ``master-id sample-id yyyymmdd CDs dollars``; a malformed line is an error."""
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        try:
            _, sample_id, ymd, cds, dollars = parts
            day = date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:8]))
            out.append(Purchase(f"cdnow-{int(sample_id)}", day, int(cds), float(dollars)))
        except ValueError:
            raise InputError(f"CDNOW line {n}: expected 'master-id sample-id yyyymmdd CDs dollars', "
                              f"got {line!r}") from None
    return out


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def convert(source: Path, out: Path) -> dict[str, int]:
    """Write the dataset into ``out``; returns rows written per file."""
    purchases = parse(read_text(source))
    first: dict[str, date] = {}
    for p in purchases:
        first[p.customer] = min(first.get(p.customer, p.day), p.day)
    files: dict[str, list[list[str]]] = {
        "categories.csv": [[CATEGORY, "Music (CDNOW)", ""]],
        "products.csv": [[PRODUCT, "CD", CATEGORY, "", "0", "USD", "U"]],
        "customers.csv": [[cid, "", "", "", "", "", "US", "", "", f"{day.isoformat()}T00:00:00Z", "", "", "", ""]
                          for cid, day in sorted(first.items(), key=lambda kv: int(kv[0].split("-")[1]))],
        "orders.csv": [],
        "order_items.csv": [],
    }
    for n, p in enumerate(purchases, start=1):
        order = f"cdnow-o{n}"
        amount = f"{p.dollars:.2f}"
        files["orders.csv"].append([order, p.customer, "", f"{p.day.isoformat()}T00:00:00Z", amount, "USD",
                                    amount, "", "delivered", "", "false", ""])
        if p.cds > 0:
            files["order_items.csv"].append([order, PRODUCT, str(p.cds), f"{p.dollars / p.cds:.2f}"])
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        (out / name).write_text(_csv([HEADERS[name], *rows]), encoding="utf-8")
    return {name: len(rows) for name, rows in files.items()}
