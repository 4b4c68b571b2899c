"""The dataset format (version 1): one file per entity, in load (dependency) order.

``HEADERS`` is the single source of the column lists; ``docs/data-format.md`` describes each
column and :mod:`loaders.rows` validates them.
"""

from __future__ import annotations

FORMAT_VERSION = 1

HEADERS: dict[str, list[str]] = {
    "channels.csv": ["channelId", "name", "kind"],
    "warehouses.csv": ["warehouseId", "country", "city"],
    "categories.csv": ["categoryId", "name", "parentId"],
    "brands.csv": ["brandId", "name", "country"],
    "products.csv": ["sku", "name", "categoryId", "brandId", "price", "currency", "genderTarget"],
    "customers.csv": ["customerId", "name", "email", "phone", "gender", "birthYear", "country", "city",
                      "language", "registeredAt", "device", "deviceId", "occupation", "channelId"],
    "consents.csv": ["consentId", "customerId", "purpose", "granted", "at"],
    "enterprises.csv": ["enterpriseId", "name", "country", "industry", "size", "foundedYear",
                        "annualRevenueBand", "website"],
    "contacts.csv": ["contactId", "enterpriseId", "name", "email", "phone", "title", "customerId"],
    "orders.csv": ["orderId", "customerId", "enterpriseId", "placedAt", "total", "currency", "totalUsd",
                   "channelId", "status", "warehouseId", "promo", "device"],
    "order_items.csv": ["orderId", "sku", "quantity", "unitPrice"],
    "reviews.csv": ["reviewId", "customerId", "sku", "rating", "text", "at"],
    "shares.csv": ["shareId", "customerId", "sku", "platform", "at"],
    "share_reaches.csv": ["shareId", "customerId"],
    "referrals.csv": ["referrerId", "refereeId", "at"],
    "inquiries.csv": ["inquiryId", "enterpriseId", "contactId", "sku", "quantity", "targetPrice", "currency",
                      "status", "at"],
}
EVENTS_FILE = "events.jsonl"
