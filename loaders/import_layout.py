"""What ``neo4j-admin database import`` gets from each input file: the same nodes, relationships and
properties the online ``MERGE`` statements (``cypher/load/merge_*.cypher``) write.

Each :class:`Output` is one import CSV: a header in the import tool's notation (``name:type``,
``:ID(Group)``, ``:START_ID(Group)``) and the polars expressions that fill it from a validated
block. Node ids live in one id space per label, so a relationship names its ends by their key.
``Device`` and ``SearchTerm`` nodes are shared by many rows: the loader gathers them separately
(:data:`DEVICE_NODES`, :data:`SEARCH_TERM_NODES`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ckg.loaders.format import EVENTS_FILE

col = pl.col


@dataclass(frozen=True)
class Output:
    name: str  # file name stem, unique
    kind: str  # "nodes" | "relationships"
    label: str  # node label or relationship type
    header: tuple[str, ...]
    columns: tuple[pl.Expr, ...]
    where: pl.Expr | None = None

    def frame(self, block: pl.DataFrame) -> pl.DataFrame:
        rows = block.filter(self.where) if self.where is not None else block
        return rows.select(*(c.alias(f"c{i}") for i, c in enumerate(self.columns)))


def _nodes(label: str, key: str, props: dict[str, str], source: str | None = None) -> Output:
    """A node file: the key column as the id (stored as property ``key``), then the properties."""
    header = (f"{key}:ID({label})", *(f"{p}:{t}" if t != "string" else p for p, t in props.items()))
    cols = (col(source or key), *(col(p) for p in props))
    return Output(label, "nodes", label, header, cols)


def _rel(name: str, rtype: str, start: tuple[str, str], end: tuple[str, str],
         props: dict[str, tuple[str, pl.Expr]] | None = None, where: pl.Expr | None = None) -> Output:
    """A relationship file: start (group, column), end (group, column), then the properties."""
    props = props or {}
    header = (f":START_ID({start[0]})", f":END_ID({end[0]})",
              *(f"{p}:{t}" if t != "string" else p for p, (t, _) in props.items()))
    cols = (col(start[1]), col(end[1]), *(e for _, e in props.values()))
    return Output(name, "relationships", rtype, header, cols, where)


def _present(name: str) -> pl.Expr:
    return col(name).is_not_null()


_EVENT_PROPS = {"eventId": ("string", col("eventId")), "at": ("datetime", col("at")),
                "device": ("string", col("device"))}

#: Per input file, the import files its valid rows feed.
OUTPUTS: dict[str, tuple[Output, ...]] = {
    "channels.csv": (_nodes("Channel", "channelId", {"name": "string", "kind": "string"}),),
    "warehouses.csv": (_nodes("Warehouse", "warehouseId", {"country": "string", "city": "string"}),),
    "categories.csv": (
        _nodes("Category", "categoryId", {"name": "string"}),
        _rel("SUBCATEGORY_OF", "SUBCATEGORY_OF", ("Category", "categoryId"), ("Category", "parentId"),
             where=_present("parentId")),
    ),
    "brands.csv": (_nodes("Brand", "brandId", {"name": "string", "country": "string"}),),
    "products.csv": (
        _nodes("Product", "sku", {"name": "string", "price": "double", "currency": "string",
                                  "genderTarget": "string"}),
        _rel("IN_CATEGORY", "IN_CATEGORY", ("Product", "sku"), ("Category", "categoryId")),
        _rel("MADE_BY", "MADE_BY", ("Product", "sku"), ("Brand", "brandId"), where=_present("brandId")),
    ),
    "customers.csv": (
        _nodes("Customer", "customerId", {
            "name": "string", "email": "string", "phone": "string", "gender": "string", "birthYear": "long",
            "country": "string", "city": "string", "language": "string", "registeredAt": "datetime",
            "device": "string", "occupation": "string"}),
        _rel("USES", "USES", ("Customer", "customerId"), ("Device", "deviceId"), where=_present("deviceId")),
        _rel("ACQUIRED_VIA", "ACQUIRED_VIA", ("Customer", "customerId"), ("Channel", "channelId"),
             where=_present("channelId")),
    ),
    "consents.csv": (
        _nodes("Consent", "consentId", {"purpose": "string", "granted": "boolean", "at": "datetime"}),
        _rel("GAVE", "GAVE", ("Customer", "customerId"), ("Consent", "consentId")),
    ),
    "enterprises.csv": (_nodes("Enterprise", "enterpriseId", {
        "name": "string", "country": "string", "industry": "string", "size": "long", "foundedYear": "long",
        "annualRevenueBand": "string", "website": "string"}),),
    "contacts.csv": (
        _nodes("Contact", "contactId", {"name": "string", "email": "string", "phone": "string",
                                        "title": "string"}),
        _rel("WORKS_FOR", "WORKS_FOR", ("Contact", "contactId"), ("Enterprise", "enterpriseId")),
        _rel("IS_CUSTOMER", "IS_CUSTOMER", ("Contact", "contactId"), ("Customer", "customerId"),
             where=_present("customerId")),
    ),
    "orders.csv": (
        Output("Order", "nodes", "Order",
               ("orderId:ID(Order)", "placedAt:datetime", "total:double", "currency", "totalUsd:double",
                "status", "promo:boolean", "device", "channel"),
               (col("orderId"), col("placedAt"), col("total"), col("currency"), col("totalUsd"), col("status"),
                col("promo"), col("device"), col("channelId"))),
        _rel("PLACED-customer", "PLACED", ("Customer", "customerId"), ("Order", "orderId"),
             where=_present("customerId")),
        _rel("PLACED-enterprise", "PLACED", ("Enterprise", "enterpriseId"), ("Order", "orderId"),
             where=_present("enterpriseId")),
        _rel("VIA", "VIA", ("Order", "orderId"), ("Channel", "channelId"), where=_present("channelId")),
        _rel("SHIPPED_FROM", "SHIPPED_FROM", ("Order", "orderId"), ("Warehouse", "warehouseId"),
             where=_present("warehouseId")),
    ),
    "order_items.csv": (
        _rel("CONTAINS", "CONTAINS", ("Order", "orderId"), ("Product", "sku"),
             {"quantity": ("long", col("quantity")), "unitPrice": ("double", col("unitPrice"))}),
    ),
    "reviews.csv": (
        _nodes("Review", "reviewId", {"rating": "long", "text": "string", "at": "datetime"}),
        _rel("WROTE", "WROTE", ("Customer", "customerId"), ("Review", "reviewId")),
        _rel("REVIEWS", "REVIEWS", ("Review", "reviewId"), ("Product", "sku")),
    ),
    "shares.csv": (
        _nodes("SocialShare", "shareId", {"platform": "string", "at": "datetime"}),
        _rel("SHARED", "SHARED", ("Customer", "customerId"), ("SocialShare", "shareId"),
             {"at": ("datetime", col("at")), "channel": ("string", col("platform"))}),
        _rel("OF", "OF", ("SocialShare", "shareId"), ("Product", "sku")),
    ),
    "share_reaches.csv": (
        _rel("REACHED", "REACHED", ("SocialShare", "shareId"), ("Customer", "customerId")),
    ),
    "referrals.csv": (
        _rel("REFERRED", "REFERRED", ("Customer", "referrerId"), ("Customer", "refereeId"),
             {"at": ("datetime", col("at"))}),
    ),
    "inquiries.csv": (
        _nodes("Inquiry", "inquiryId", {"at": "datetime", "quantity": "long", "targetPrice": "double",
                                        "currency": "string", "status": "string"}),
        _rel("SENT-enterprise", "SENT", ("Enterprise", "enterpriseId"), ("Inquiry", "inquiryId")),
        _rel("ABOUT", "ABOUT", ("Inquiry", "inquiryId"), ("Product", "sku")),
        _rel("SENT-contact", "SENT", ("Contact", "contactId"), ("Inquiry", "inquiryId"),
             where=_present("contactId")),
    ),
    EVENTS_FILE: (
        _rel("VIEWED", "VIEWED", ("Customer", "customerId"), ("Product", "sku"), _EVENT_PROPS,
             where=col("type") == "view"),
        _rel("FAVORITED", "FAVORITED", ("Customer", "customerId"), ("Product", "sku"), _EVENT_PROPS,
             where=col("type") == "favorite"),
        _rel("ADDED_TO_CART", "ADDED_TO_CART", ("Customer", "customerId"), ("Product", "sku"), _EVENT_PROPS,
             where=col("type") == "cart"),
        _rel("SEARCHED", "SEARCHED", ("Customer", "customerId"), ("SearchTerm", "query"), _EVENT_PROPS,
             where=col("type") == "search"),
    ),
}

#: Shared nodes: a Device takes the last non-empty ``device`` of the customers naming it, as the
#: online ``SET d.type = coalesce(row.device, d.type)`` leaves it; a SearchTerm is one per query.
DEVICE_NODES = ("deviceId:ID(Device)", "type")
SEARCH_TERM_NODES = ("term:ID(SearchTerm)",)
