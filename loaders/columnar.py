"""Column-wise validation for the bulk first load: a screen over whole columns, pydantic for the rest.

Checking each row with pydantic costs ~12 us a row, which would bound a 50-million-row first load.
Here a block of rows is checked a column at a time with polars expressions that accept only the
plain forms a row model surely accepts (an ASCII id, ``2025-03-01T12:00:00Z``, ``12.50``, ``true``,
a known code). A row that passes every column is valid and its values are taken as they are; any
other row is *suspect* and goes to its pydantic model (:mod:`ckg.loaders.rows`), which decides and
words the error. The screen may flag a good row (pydantic then accepts it), never pass a bad one:
tests/unit/test_columnar.py holds it to that against the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from ckg.graph.clock import FUTURE_TOLERANCE
from ckg.loaders.codes import COUNTRIES, CURRENCIES
from ckg.loaders.format import EVENTS_FILE


@dataclass(frozen=True)
class Kind:
    """What a column holds, as its row model declares it."""

    base: str  # id | text | enum | timestamp | money | int | bool
    optional: bool = False  # blank means absent (the model's BeforeValidator(_blank_to_none))
    values: frozenset[str] = frozenset()  # enum members
    low: int | None = None
    high: int | None = None
    max_length: int | None = None

    @property
    def dtype(self) -> pl.DataType:
        return {"int": pl.Int64(), "money": pl.Float64(), "bool": pl.Boolean()}.get(self.base, pl.String())


ID, OPT_ID = Kind("id"), Kind("id", optional=True)
TEXT, OPT_TEXT = Kind("text"), Kind("text", optional=True)
TIMESTAMP, MONEY, QUANTITY, BOOL = Kind("timestamp"), Kind("money"), Kind("int", low=1), Kind("bool")
COUNTRY = Kind("enum", values=COUNTRIES)
OPT_COUNTRY = Kind("enum", optional=True, values=COUNTRIES)
CURRENCY = Kind("enum", values=CURRENCIES)
GENDER = frozenset({"F", "M", "U"})
DEVICE = Kind("enum", optional=True, values=frozenset({"mobile", "desktop", "tablet"}))

#: Per input file, each column's kind, mirroring the models in :mod:`ckg.loaders.rows`.
COLUMNS: dict[str, dict[str, Kind]] = {
    "channels.csv": {"channelId": ID, "name": TEXT, "kind": Kind("enum", values=frozenset(
        {"organic", "ads", "social", "email", "affiliate", "marketplace", "direct", "other"}))},
    "warehouses.csv": {"warehouseId": ID, "country": COUNTRY, "city": OPT_TEXT},
    "categories.csv": {"categoryId": ID, "name": TEXT, "parentId": OPT_ID},
    "brands.csv": {"brandId": ID, "name": TEXT, "country": OPT_COUNTRY},
    "products.csv": {"sku": ID, "name": TEXT, "categoryId": ID, "brandId": OPT_ID, "price": MONEY,
                     "currency": CURRENCY, "genderTarget": Kind("enum", values=GENDER)},
    "customers.csv": {"customerId": ID, "name": OPT_TEXT, "email": OPT_TEXT, "phone": OPT_TEXT,
                      "gender": Kind("enum", optional=True, values=GENDER),
                      "birthYear": Kind("int", optional=True, low=1900, high=2030), "country": COUNTRY,
                      "city": OPT_TEXT, "language": OPT_TEXT, "registeredAt": TIMESTAMP, "device": DEVICE,
                      "deviceId": OPT_ID, "occupation": OPT_TEXT, "channelId": OPT_ID},
    "consents.csv": {"consentId": ID, "customerId": ID, "purpose": Kind("enum", values=frozenset(
        {"marketing", "profiling", "sensitive_inference"})), "granted": BOOL, "at": TIMESTAMP},
    "enterprises.csv": {"enterpriseId": ID, "name": TEXT, "country": COUNTRY, "industry": OPT_TEXT,
                        "size": Kind("int", optional=True, low=1),
                        "foundedYear": Kind("int", optional=True, low=1800, high=2030),
                        "annualRevenueBand": OPT_TEXT, "website": OPT_TEXT},
    "contacts.csv": {"contactId": ID, "enterpriseId": ID, "name": OPT_TEXT, "email": OPT_TEXT,
                     "phone": OPT_TEXT, "title": OPT_TEXT, "customerId": OPT_ID},
    "orders.csv": {"orderId": ID, "customerId": OPT_ID, "enterpriseId": OPT_ID, "placedAt": TIMESTAMP,
                   "total": MONEY, "currency": CURRENCY, "totalUsd": MONEY, "channelId": OPT_ID,
                   "status": Kind("enum", values=frozenset(
                       {"placed", "paid", "shipped", "delivered", "returned", "cancelled"})),
                   "warehouseId": OPT_ID, "promo": BOOL, "device": DEVICE},
    "order_items.csv": {"orderId": ID, "sku": ID, "quantity": QUANTITY, "unitPrice": MONEY},
    "reviews.csv": {"reviewId": ID, "customerId": ID, "sku": ID, "rating": Kind("int", low=1, high=5),
                    "text": OPT_TEXT, "at": TIMESTAMP},
    "shares.csv": {"shareId": ID, "customerId": ID, "sku": ID, "platform": TEXT, "at": TIMESTAMP},
    "share_reaches.csv": {"shareId": ID, "customerId": ID},
    "referrals.csv": {"referrerId": ID, "refereeId": ID, "at": TIMESTAMP},
    "inquiries.csv": {"inquiryId": ID, "enterpriseId": ID, "contactId": OPT_ID, "sku": ID, "quantity": QUANTITY,
                      "targetPrice": Kind("money", optional=True), "currency": CURRENCY,
                      "status": Kind("enum", values=frozenset({"open", "quoted", "won", "lost"})),
                      "at": TIMESTAMP},
    EVENTS_FILE: {"eventId": ID, "customerId": ID,
                  "type": Kind("enum", values=frozenset({"view", "search", "favorite", "cart"})),
                  "at": TIMESTAMP, "sku": OPT_ID, "query": Kind("text", optional=True, max_length=500),
                  "device": DEVICE},
}

# Plain forms only; anything else is left to pydantic.
_ASCII_ID = r"^[\x20-\x7E]{1,200}$"
_NOT_ALL_SPACE = r"[\x21-\x7E]"
_STAMP = r"^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$"
_MONEY = r"^\d{1,15}(\.\d{1,15})?$"
_INT = r"^-?\d{1,9}$"
_ASCII_BLANK = r"^[ \t\r\n\x0b\x0c]*$"
_ANY_BLANK = r"^[\s\x1c-\x1f\x85]*$"  # what Python's str.strip() also empties


def normalized_schema(file: str) -> dict[str, pl.DataType]:
    """Column types of a validated block (the values a row model's ``params()`` gives)."""
    return {name: kind.dtype for name, kind in COLUMNS[file].items()}


def surely_past_date() -> str:
    """A date every timestamp of an earlier local date is surely not in the future against."""
    now = datetime.now(UTC) + FUTURE_TOLERANCE
    return (now.date() - timedelta(days=1)).isoformat()


def _column(name: str, kind: Kind, past: str) -> tuple[pl.Expr, pl.Expr]:
    """(value, suspect) expressions for one raw string column."""
    raw = pl.col(name)
    if kind.optional:
        blank = raw.is_null() | raw.str.contains(_ASCII_BLANK)
        odd_blank = raw.str.contains(_ANY_BLANK) & ~blank
    else:
        blank = pl.lit(False)
        odd_blank = raw.is_null()  # a required value missing (JSON): pydantic words it
    present = ~blank
    if kind.base == "id":
        bad = ~(raw.str.contains(_ASCII_ID) & raw.str.contains(_NOT_ALL_SPACE))
        value = raw
    elif kind.base == "text":
        bad = (raw.str.len_chars() > kind.max_length) if kind.max_length else pl.lit(False)
        value = raw
    elif kind.base == "enum":
        bad = ~raw.is_in(sorted(kind.values))
        value = raw
    elif kind.base == "timestamp":
        day = raw.str.slice(0, 19).str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S", strict=False)
        bad = ~raw.str.contains(_STAMP) | day.is_null() | (raw.str.slice(0, 10) >= past)
        value = raw
    elif kind.base == "money":
        value = raw.cast(pl.Float64, strict=False)
        bad = ~raw.str.contains(_MONEY) | value.is_null()
    elif kind.base == "int":
        value = raw.cast(pl.Int64, strict=False)
        bad = ~raw.str.contains(_INT) | value.is_null()
        if kind.low is not None:
            bad = bad | (value < kind.low)
        if kind.high is not None:
            bad = bad | (value > kind.high)
    elif kind.base == "bool":
        value = pl.when(raw == "true").then(True).when(raw == "false").then(False).otherwise(None)
        bad = value.is_null()
    else:  # pragma: no cover - the table above names every kind
        raise ValueError(kind.base)
    suspect = (odd_blank | (present & bad.fill_null(True))).fill_null(True)
    out = pl.when(blank).then(None).otherwise(value).cast(kind.dtype).alias(name)
    return out, suspect


def _row_rules(file: str) -> pl.Expr:
    """The model validators that look at more than one column (on normalised values)."""
    col = pl.col
    if file == "categories.csv":
        return col("parentId") == col("categoryId")
    if file == "orders.csv":
        return col("customerId").is_null() == col("enterpriseId").is_null()
    if file == "referrals.csv":
        return col("referrerId") == col("refereeId")
    if file == EVENTS_FILE:
        return (((col("type") == "search") & col("query").is_null())
                | ((col("type") != "search") & col("sku").is_null()))
    return pl.lit(False)


def screen(file: str, raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """Normalise a block of raw string columns; return it with the mask of suspect rows.

    Non-suspect rows hold exactly what their model would give; suspect rows hold anything.
    """
    past = surely_past_date()
    values: list[pl.Expr] = []
    suspects: list[pl.Expr] = []
    for name, kind in COLUMNS[file].items():
        value, suspect = _column(name, kind, past)
        values.append(value)
        suspects.append(suspect)
    out = raw.select(*values, pl.any_horizontal(suspects).alias("__suspect"))
    out = out.with_columns((pl.col("__suspect") | _row_rules(file).fill_null(False)).alias("__suspect"))
    return out.drop("__suspect"), out["__suspect"].alias("suspect")


def frame_from_params(file: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Validated rows (``Row.params()``) as a block of the same shape :func:`screen` gives."""
    schema = normalized_schema(file)
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema, orient="row")
