"""What each input file is: its row model, key, references and write query."""

from __future__ import annotations

from dataclasses import dataclass

from ckg.loaders import rows as r
from ckg.loaders.format import EVENTS_FILE, HEADERS


@dataclass(frozen=True)
class Ref:
    """A column that names an entity of another (or the same) file."""

    field: str
    target: str  # the file whose ids it names, e.g. "customers.csv"
    #: For a reference into the same file, the query returning the ids that have no node (the write
    #: statements resolve every other reference themselves and return the rows that dangle).
    check: str
    same_file: bool = False


@dataclass(frozen=True)
class FileSpec:
    name: str
    model: type[r.Row]
    key: tuple[str, ...]
    refs: tuple[Ref, ...]
    write: str  # query name; events are written per type (ckg.graph.events.EVENT_WRITES)
    #: Customers whose consent state a written row changes (the field naming them), or "".
    consent_subject: str = ""

    @property
    def required_columns(self) -> list[str]:
        return [name for name, f in self.model.model_fields.items() if f.is_required()]

    @property
    def known_columns(self) -> list[str]:
        return list(self.model.model_fields)

    @property
    def is_csv(self) -> bool:
        return self.name.endswith(".csv")


def _ref(field: str, target: str, same_file: bool = False) -> Ref:
    return Ref(field, target, f"load/find_missing_{target.removesuffix('.csv')}" if same_file else "", same_file)


SPECS: dict[str, FileSpec] = {
    s.name: s
    for s in [
        FileSpec("channels.csv", r.ChannelRow, ("channelId",), (), "load/merge_channels"),
        FileSpec("warehouses.csv", r.WarehouseRow, ("warehouseId",), (), "load/merge_warehouses"),
        FileSpec("categories.csv", r.CategoryRow, ("categoryId",),
                 (_ref("parentId", "categories.csv", same_file=True),), "load/merge_categories"),
        FileSpec("brands.csv", r.BrandRow, ("brandId",), (), "load/merge_brands"),
        FileSpec("products.csv", r.ProductRow, ("sku",),
                 (_ref("categoryId", "categories.csv"), _ref("brandId", "brands.csv")),
                 "load/merge_products"),
        FileSpec("customers.csv", r.CustomerRow, ("customerId",), (_ref("channelId", "channels.csv"),),
                 "load/merge_customers", consent_subject="customerId"),
        FileSpec("consents.csv", r.ConsentRow, ("consentId",), (_ref("customerId", "customers.csv"),),
                 "load/merge_consents", consent_subject="customerId"),
        FileSpec("enterprises.csv", r.EnterpriseRow, ("enterpriseId",), (), "load/merge_enterprises"),
        FileSpec("contacts.csv", r.ContactRow, ("contactId",),
                 (_ref("enterpriseId", "enterprises.csv"), _ref("customerId", "customers.csv")),
                 "load/merge_contacts"),
        FileSpec("orders.csv", r.OrderRow, ("orderId",),
                 (_ref("customerId", "customers.csv"), _ref("enterpriseId", "enterprises.csv"),
                  _ref("channelId", "channels.csv"), _ref("warehouseId", "warehouses.csv")),
                 "load/merge_orders"),
        FileSpec("order_items.csv", r.OrderItemRow, ("orderId", "sku"),
                 (_ref("orderId", "orders.csv"), _ref("sku", "products.csv")), "load/merge_order_items"),
        FileSpec("reviews.csv", r.ReviewRow, ("reviewId",),
                 (_ref("customerId", "customers.csv"), _ref("sku", "products.csv")), "load/merge_reviews"),
        FileSpec("shares.csv", r.ShareRow, ("shareId",),
                 (_ref("customerId", "customers.csv"), _ref("sku", "products.csv")), "load/merge_shares"),
        FileSpec("share_reaches.csv", r.ShareReachRow, ("shareId", "customerId"),
                 (_ref("shareId", "shares.csv"), _ref("customerId", "customers.csv")),
                 "load/merge_share_reaches"),
        FileSpec("referrals.csv", r.ReferralRow, ("referrerId", "refereeId"),
                 (_ref("referrerId", "customers.csv"), _ref("refereeId", "customers.csv")),
                 "load/merge_referrals"),
        FileSpec("inquiries.csv", r.InquiryRow, ("inquiryId",),
                 (_ref("enterpriseId", "enterprises.csv"), _ref("contactId", "contacts.csv"),
                  _ref("sku", "products.csv")), "load/merge_inquiries"),
        FileSpec(EVENTS_FILE, r.EventRow, ("eventId",),
                 (_ref("customerId", "customers.csv"), _ref("sku", "products.csv")), "load/merge_views"),
    ]
}

LOAD_ORDER = [*HEADERS, EVENTS_FILE]
assert list(SPECS) == LOAD_ORDER, "SPECS must follow the format's load order"
for _name, _spec in SPECS.items():
    if _spec.is_csv:
        assert set(HEADERS[_name]) == set(_spec.known_columns), f"{_name}: header and model differ"
