"""Typed row models, one per input file. A row that fails becomes a :class:`RowError`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from ckg.graph.clock import future_problem
from ckg.graph.identifiers import identifier_problem
from ckg.loaders.codes import COUNTRIES, CURRENCIES


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def _country(value: str) -> str:
    if value not in COUNTRIES:
        raise ValueError(f"unknown country code {value!r} (ISO 3166-1 alpha-2, upper case)")
    return value


def _currency(value: str) -> str:
    if value not in CURRENCIES:
        raise ValueError(f"unknown currency code {value!r} (ISO 4217, upper case)")
    return value


def _valid_id(value: str) -> str:
    problem = identifier_problem(value)
    if problem:
        raise ValueError(f"an identifier {problem}")
    return value


#: Every timestamp whose local date is before this one is in the past: the day before the UTC date
#: the clock last showed (a zone moves a local date less than a day from UTC).
_surely_past = date.min


def not_in_future(value: datetime, *, now: datetime | None = None) -> datetime:
    """``value`` unless it lies more than ``FUTURE_TOLERANCE`` (:mod:`ckg.graph.clock`, shared with
    the API) after ``now`` (by default the machine's clock); every row timestamp passes through here."""
    global _surely_past
    if now is None:
        if value.date() < _surely_past:
            return value  # most of a load: a date comparison instead of reading the clock
        now = datetime.now(UTC)
        _surely_past = now.date() - timedelta(days=1)
    problem = future_problem(value, now)
    if problem:
        raise ValueError(problem)
    return value


Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_valid_id)]
OptId = Annotated[Id | None, BeforeValidator(_blank_to_none)]
Text = str  # any text, stored verbatim (size is checked by the reader)
OptText = Annotated[str | None, BeforeValidator(_blank_to_none)]
Country = Annotated[str, AfterValidator(_country)]
OptCountry = Annotated[Country | None, BeforeValidator(_blank_to_none)]
Currency = Annotated[str, AfterValidator(_currency)]
Timestamp = Annotated[AwareDatetime, AfterValidator(not_in_future)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Quantity = Annotated[int, Field(gt=0)]


class Row(BaseModel):
    """Base for every row: unknown keys are ignored (the reader warns about unknown columns)."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=False)

    def params(self) -> dict[str, Any]:
        """The row as Cypher parameters. Timestamps travel as ISO 8601 strings and the load
        queries turn them into DateTime with ``datetime()``: packing Python datetimes in the
        driver costs ~45 us each, ten times the whole row's validation."""
        return self.model_dump(mode="json")


class ChannelRow(Row):
    channelId: Id
    name: Text
    kind: Literal["organic", "ads", "social", "email", "affiliate", "marketplace", "direct", "other"]


class WarehouseRow(Row):
    warehouseId: Id
    country: Country
    city: OptText = None


class CategoryRow(Row):
    categoryId: Id
    name: Text
    parentId: OptId = None

    @model_validator(mode="after")
    def _not_own_parent(self) -> CategoryRow:
        if self.parentId == self.categoryId:
            raise ValueError("a category cannot be its own parent")
        return self


class BrandRow(Row):
    brandId: Id
    name: Text
    country: OptCountry = None


class ProductRow(Row):
    sku: Id
    name: Text
    categoryId: Id
    brandId: OptId = None
    price: Money
    currency: Currency
    genderTarget: Literal["F", "M", "U"] = "U"


class CustomerRow(Row):
    customerId: Id
    name: OptText = None
    email: OptText = None
    phone: OptText = None
    gender: Annotated[Literal["F", "M", "U"] | None, BeforeValidator(_blank_to_none)] = None
    birthYear: Annotated[Annotated[int, Field(ge=1900, le=2030)] | None, BeforeValidator(_blank_to_none)] = None
    country: Country
    city: OptText = None
    language: OptText = None
    registeredAt: Timestamp
    device: Annotated[Literal["mobile", "desktop", "tablet"] | None, BeforeValidator(_blank_to_none)] = None
    deviceId: OptId = None
    occupation: OptText = None
    channelId: OptId = None


class ConsentRow(Row):
    consentId: Id
    customerId: Id
    purpose: Literal["marketing", "profiling", "sensitive_inference"]
    granted: bool
    at: Timestamp


class EnterpriseRow(Row):
    enterpriseId: Id
    name: Text
    country: Country
    industry: OptText = None
    size: Annotated[Annotated[int, Field(ge=1)] | None, BeforeValidator(_blank_to_none)] = None
    foundedYear: Annotated[Annotated[int, Field(ge=1800, le=2030)] | None, BeforeValidator(_blank_to_none)] = None
    annualRevenueBand: OptText = None
    website: OptText = None


class ContactRow(Row):
    contactId: Id
    enterpriseId: Id
    name: OptText = None
    email: OptText = None
    phone: OptText = None
    title: OptText = None
    customerId: OptId = None


class OrderRow(Row):
    orderId: Id
    customerId: OptId = None
    enterpriseId: OptId = None
    placedAt: Timestamp
    total: Money
    currency: Currency
    totalUsd: Money
    channelId: OptId = None
    status: Literal["placed", "paid", "shipped", "delivered", "returned", "cancelled"]
    warehouseId: OptId = None
    promo: bool = False
    device: Annotated[Literal["mobile", "desktop", "tablet"] | None, BeforeValidator(_blank_to_none)] = None

    @model_validator(mode="after")
    def _one_buyer(self) -> OrderRow:
        if (self.customerId is None) == (self.enterpriseId is None):
            raise ValueError("exactly one of customerId and enterpriseId must be given")
        return self


class OrderItemRow(Row):
    orderId: Id
    sku: Id
    quantity: Quantity
    unitPrice: Money


class ReviewRow(Row):
    reviewId: Id
    customerId: Id
    sku: Id
    rating: Annotated[int, Field(ge=1, le=5)]
    text: OptText = None
    at: Timestamp


class ShareRow(Row):
    shareId: Id
    customerId: Id
    sku: Id
    platform: Text
    at: Timestamp


class ShareReachRow(Row):
    shareId: Id
    customerId: Id


class ReferralRow(Row):
    referrerId: Id
    refereeId: Id
    at: Timestamp

    @model_validator(mode="after")
    def _not_self(self) -> ReferralRow:
        if self.referrerId == self.refereeId:
            raise ValueError("a customer cannot refer themselves")
        return self


class InquiryRow(Row):
    inquiryId: Id
    enterpriseId: Id
    contactId: OptId = None
    sku: Id
    quantity: Quantity
    targetPrice: Annotated[Money | None, BeforeValidator(_blank_to_none)] = None
    currency: Currency
    status: Literal["open", "quoted", "won", "lost"]
    at: Timestamp


class EventRow(Row):
    eventId: Id
    customerId: Id
    type: Literal["view", "search", "favorite", "cart"]
    at: Timestamp
    sku: OptId = None
    query: Annotated[Annotated[str, Field(max_length=500)] | None, BeforeValidator(_blank_to_none)] = None
    device: Annotated[Literal["mobile", "desktop", "tablet"] | None, BeforeValidator(_blank_to_none)] = None

    @model_validator(mode="after")
    def _target(self) -> EventRow:
        if self.type == "search" and not self.query:
            raise ValueError("a search event needs a query")
        if self.type != "search" and not self.sku:
            raise ValueError(f"a {self.type} event needs a sku")
        return self


