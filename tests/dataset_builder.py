"""Small hand-made datasets for loader tests: valid rows plus whatever a test breaks."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ckg.loaders.format import HEADERS

GOOD = {
    "channels.csv": [["organic", "Organic search", "organic"]],
    "categories.csv": [["cat-1", "Toys", ""], ["cat-2", "Puzzles", "cat-1"]],
    "products.csv": [["sku-1", "Jigsaw", "cat-2", "", "12.50", "USD", "U"]],
    "customers.csv": [
        ["c1", "Ana Silva", "ana@example.com", "+100", "F", "1990", "BR", "Rio", "pt",
         "2025-01-02T10:00:00Z", "mobile", "dev-1", "nurse", "organic"],
        ["c2", "Ben Lee", "ben@example.com", "+101", "M", "1985", "US", "Austin", "en",
         "2025-02-03T11:00:00+02:00", "desktop", "dev-2", "engineer", ""],
    ],
    "orders.csv": [["o1", "c1", "", "2025-03-01T12:00:00Z", "25.00", "BRL", "5.00", "organic", "delivered",
                    "", "false", "mobile"]],
    "order_items.csv": [["o1", "sku-1", "2", "12.50"]],
}


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, newline: str = "\n",
              bom: bool = False, encoding: str = "utf-8") -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def build(directory: Path, extra: dict[str, list[list[str]]] | None = None,
          files: list[str] | None = None) -> Path:
    """Write the GOOD rows (plus ``extra`` rows appended per file) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    extra = extra or {}
    for name in files or list(GOOD):
        write_csv(directory / name, HEADERS[name], GOOD.get(name, []) + extra.get(name, []))
    return directory


def customer(cid: str, **changes: str) -> list[str]:
    """A valid customers.csv row with some fields changed."""
    row = dict(zip(HEADERS["customers.csv"], GOOD["customers.csv"][0], strict=True))
    row["customerId"] = cid
    row["email"] = f"{cid}@example.com"
    row["deviceId"] = f"dev-{cid}"
    row.update(changes)
    return [row[h] for h in HEADERS["customers.csv"]]


def open_quote(path: Path, line: int) -> str:
    """Break physical ``line`` of ``path`` (1 is the header) with a quote that never closes: one
    put before its second field. Returns the broken line as written (without its line end)."""
    lines = io.StringIO(path.read_bytes().decode("utf-8"), newline="").readlines()
    first, _, rest = lines[line - 1].partition(",")
    assert not rest.startswith('"'), "the second field is quoted already"
    lines[line - 1] = f'{first},"{rest}'
    path.write_bytes("".join(lines).encode("utf-8"))
    return lines[line - 1].rstrip("\r\n")
