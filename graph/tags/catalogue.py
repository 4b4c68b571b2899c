"""The tag catalogue: every tag family ckg derives, declared as data and validated at import.

A *family* expands over the data into many tags: ``interest`` becomes ``interest:<category>`` for
every category a customer shows interest in. This module is the one place that lists them all;
``docs/tags.md`` is generated from it (``ckg tags docs docs/tags.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Literal

from ckg.graph.queries import CYPHER_DIR

B2C_DIMENSIONS = ("basic", "behaviour", "content_preference", "transaction", "evaluation", "social")
B2B_DIMENSIONS = ("enterprise_basic", "enterprise_contact", "enterprise_transaction",
                  "enterprise_behaviour", "enterprise_preference", "purchasing_potential")
DIMENSIONS = B2C_DIMENSIONS + B2B_DIMENSIONS
ALGORITHMS = ("louvain_social", "pagerank_influence", "preference_groups",
              "wcc_identity", "bgnbd_propensity", "b2b_potential")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
Basis = Literal["registered", "profiling", "sensitive_inference"]
BASES: tuple[Basis, ...] = ("registered", "profiling", "sensitive_inference")


@dataclass(frozen=True)
class TagFamily:
    """One rule that yields one tag (``values`` empty) or a tag per value (``name:value``)."""

    name: str
    dimension: str
    description: str
    #: "cypher:<file under cypher/tags>" or "algorithm:<name>". Families that read the same
    #: neighbourhood share one file, a fused pass with one branch per family (derive_customer_attributes,
    #: derive_browsing, derive_purchases, derive_order_habits, derive_social_reach); the refresh runs
    #: each file once per chunk.
    derivation: str
    inputs: tuple[str, ...]
    weight_rule: str
    applies_to: Literal["Customer", "Enterprise"] = "Customer"
    #: The lawful basis the tag rests on, i.e. the consent purpose it needs (``ckg.graph.consent``):
    #: ``registered`` copies what the person gave us, ``profiling`` infers from behaviour (gone when
    #: the latest profiling consent is false), ``sensitive_inference`` infers something sensitive
    #: (held only while the latest sensitive_inference consent is true).
    basis: Basis = "profiling"
    refresh: Literal["full", "incremental"] = "incremental"
    expands_over: str = ""  # what the family expands over, e.g. "leaf categories"; "" = one tag

    @property
    def sensitive(self) -> bool:
        """Sensitive tags need a sensitive_inference consent and the admin role to be read."""
        return self.basis == "sensitive_inference"

    @property
    def query_name(self) -> str | None:
        kind, _, target = self.derivation.partition(":")
        return f"tags/{target}" if kind == "cypher" else None

    @property
    def algorithm(self) -> str | None:
        kind, _, target = self.derivation.partition(":")
        return target if kind == "algorithm" else None


class CatalogueError(ValueError):
    """The catalogue itself is wrong (a programming error caught at import)."""


DECAY = "recency decay: each event counts 0.5^(age/90 days)"

FAMILIES: tuple[TagFamily, ...] = (
    # --- B2C basic attributes
    TagFamily("age_band", "basic", "Age band from the birth year.", "cypher:derive_customer_attributes",
              ("Customer.birthYear",), "1.0 (a stated fact)", expands_over="age bands", basis="registered"),
    TagFamily("registered_gender", "basic", "Gender as registered by the customer.",
              "cypher:derive_customer_attributes", ("Customer.gender",), "1.0", expands_over="F, M, U",
              basis="registered"),
    TagFamily("shopping_gender", "basic",
              "Gender orientation of what the customer buys (gender-targeted products), which may "
              "differ from the registered gender.", "cypher:derive_purchases",
              ("Order", "Product.genderTarget"), "share of gender-targeted items bought for that gender",
              expands_over="F, M"),
    TagFamily("device", "basic", "Main device used to register and shop.", "cypher:derive_customer_attributes",
              ("Customer.device",), "1.0", expands_over="device types", basis="registered"),
    TagFamily("acquisition_channel", "basic", "Channel that brought the customer.",
              "cypher:derive_customer_attributes", ("ACQUIRED_VIA",), "1.0", expands_over="channels",
              basis="registered"),
    TagFamily("market", "basic", "Country the customer buys from.", "cypher:derive_customer_attributes",
              ("Customer.country",), "1.0", expands_over="countries", basis="registered"),
    TagFamily("language", "basic", "Preferred language.", "cypher:derive_customer_attributes",
              ("Customer.language",), "1.0", expands_over="languages", basis="registered"),
    TagFamily("occupation", "basic", "Stated occupation.", "cypher:derive_customer_attributes",
              ("Customer.occupation",), "1.0", expands_over="occupations", basis="registered"),
    # --- website behaviour
    TagFamily("active_hours", "behaviour", "The time of day (UTC) when the customer is most active.",
              "cypher:derive_browsing", ("VIEWED", "SEARCHED", "FAVORITED", "ADDED_TO_CART"),
              "share of events in that band", expands_over="night, morning, afternoon, evening"),
    TagFamily("activity_30d", "behaviour", "Activity level over the last 30 days of behaviour events.",
              "cypher:derive_browsing", ("VIEWED", "SEARCHED", "FAVORITED", "ADDED_TO_CART"),
              "events in 30 days / 20, capped at 1", expands_over="high, medium, low, dormant"),
    TagFamily("search_interest", "behaviour", "What the customer searches for.",
              "cypher:derive_browsing", ("SEARCHED",), DECAY + ", saturating s/(s+1)",
              expands_over="search terms"),
    # --- content preference
    TagFamily("interest", "content_preference",
              "Leaf categories the customer views, favourites, carts and buys (click preference).",
              "cypher:derive_browsing", ("VIEWED", "FAVORITED", "ADDED_TO_CART", "CONTAINS"),
              DECAY + "; view 1, favourite 2, cart 3, purchase 5; saturating s/(s+3)",
              expands_over="leaf categories"),
    TagFamily("brand_affinity", "content_preference", "Brands the customer buys again and again.",
              "cypher:derive_purchases", ("CONTAINS", "MADE_BY"),
              DECAY + "; purchases only; saturating s/(s+1), at least two purchases",
              expands_over="brands"),
    TagFamily("preference_cluster", "content_preference",
              "Group of customers who buy and browse alike: Louvain (Leiden in GDS) on the kNN graph of "
              "their top-level category profiles.",
              "algorithm:preference_groups", ("CONTAINS", "VIEWED", "IN_CATEGORY", "SUBCATEGORY_OF"),
              "share of the customer's nearest neighbours in the group", refresh="full",
              expands_over="preference groups"),
    # --- transactions
    TagFamily("purchase_category", "transaction", "Top-level categories the customer buys from.",
              "cypher:derive_purchases", ("CONTAINS", "IN_CATEGORY", "SUBCATEGORY_OF"),
              "share of items bought", expands_over="top-level categories"),
    TagFamily("price_sensitivity", "transaction",
              "Whether the customer buys below or above the typical price of what they buy.",
              "cypher:derive_purchases", ("CONTAINS.unitPrice", "Product.price"),
              "distance of the mean price ratio from 1", expands_over="high, medium, low"),
    TagFamily("marketing_sensitivity", "transaction", "Share of orders placed with a promotion.",
              "cypher:derive_order_habits", ("Order.promo",), "promo share",
              expands_over="high, medium, low"),
    TagFamily("rfm_segment", "transaction",
              "RFM stratification: recency, frequency and monetary quintiles named as segments.",
              "cypher:derive_rfm_segment", ("Order",), "mean of the three quintile scores / 5",
              refresh="full", expands_over="champions, loyal, potential, new, at_risk, hibernating, lost"),
    TagFamily("purchasing_power", "transaction", "Yearly spend band in USD.",
              "cypher:derive_order_habits", ("Order.totalUsd",), "1.0",
              expands_over="low, medium, high, premium"),
    TagFamily("high_value", "transaction",
              "Top 5% of customers by 12-month spend (cancelled and returned orders excluded; customers "
              "who bought nothing count).",
              "cypher:derive_high_value", ("Order.totalUsd", "Order.status", "Customer.registeredAt"),
              "spend percentile", refresh="full"),
    TagFamily("repurchase_cycle", "transaction", "Typical days between purchases.",
              "cypher:derive_order_habits", ("Order.placedAt",), "1 / (1 + cv of the gaps)",
              expands_over="weekly, monthly, quarterly, yearly"),
    TagFamily("likely_to_buy_soon", "transaction",
              "BG/NBD model: probability alive and expected purchases in the next 90 days.",
              "algorithm:bgnbd_propensity", ("Order.placedAt",), "P(alive)", refresh="full"),
    # --- evaluation feedback
    TagFamily("review_tendency", "evaluation", "How the customer reviews what they buy.",
              "cypher:derive_purchases", ("WROTE", "Review.rating"), "reviews per order line",
              expands_over="promoter, critic, reviewer, silent"),
    # --- social
    TagFamily("referral_activity", "social", "Fission: how many customers this customer referred.",
              "cypher:derive_social_reach", ("REFERRED",), "referrals / 5, capped at 1",
              expands_over="super_referrer, referrer"),
    TagFamily("sharer", "social", "Shares products with others.", "cypher:derive_social_reach",
              ("SHARED", "REACHED"), "reach / 10, capped at 1", expands_over="platforms"),
    TagFamily("social_community", "social",
              "Member of a social community found by Louvain on the share/referral graph.",
              "algorithm:louvain_social", ("REFERRED", "REACHED"), "share of ties inside the community",
              refresh="full", expands_over="community size bands"),
    TagFamily("influencer", "social", "Influence in the share/referral graph (PageRank).",
              "algorithm:pagerank_influence", ("REFERRED", "REACHED"), "PageRank percentile",
              refresh="full", expands_over="top, high"),
    TagFamily("duplicate_identity", "basic",
              "This record and others are one person: weighed evidence (a shared normalised email or "
              "phone, a similar email one typing error apart, a personal device used by at most 3 "
              "records, name agreement) above a confidence threshold, grouped by WCC. Names that "
              "contradict never link (a look-alike first name, Maria/Mario or Jan/Jon, is another "
              "name); a name typo links only with the same email or phone, a similar email or a device "
              "only with identical full names; `ckg identity unlink` declares a pair distinct.",
              "algorithm:wcc_identity", ("Customer.email", "Customer.phone", "Customer.name", "USES"),
              "1.0; confidence is the strongest weighed link's", refresh="full"),
    TagFamily("life_stage", "content_preference",
              "Life stage predicted from basket patterns (prenatal and newborn items). Sensitive: "
              "written only with a granted sensitive_inference consent.",
              "cypher:derive_life_stage", ("CONTAINS", "GAVE"), "matched basket steps / 3",
              basis="sensitive_inference", expands_over="expecting_parent"),
    # --- B2B
    TagFamily("enterprise_size", "enterprise_basic", "Company size band (employees).",
              "cypher:derive_enterprise_size", ("Enterprise.size",), "1.0", applies_to="Enterprise",
              expands_over="micro, small, medium, large", basis="registered"),
    TagFamily("enterprise_industry", "enterprise_basic", "Industry.", "cypher:derive_enterprise_industry",
              ("Enterprise.industry",), "1.0", applies_to="Enterprise", expands_over="industries", basis="registered"),
    TagFamily("enterprise_market", "enterprise_basic", "Country of the company.",
              "cypher:derive_enterprise_market", ("Enterprise.country",), "1.0", applies_to="Enterprise",
              expands_over="countries", basis="registered"),
    TagFamily("buying_committee", "enterprise_contact", "How many contacts the company has with us.",
              "cypher:derive_buying_committee", ("WORKS_FOR",), "contacts / 4, capped at 1",
              applies_to="Enterprise", expands_over="single, team"),
    TagFamily("enterprise_volume", "enterprise_transaction", "Order volume band over 12 months (USD).",
              "cypher:derive_enterprise_volume", ("PLACED", "Order.totalUsd"), "1.0",
              applies_to="Enterprise", expands_over="none, low, medium, high"),
    TagFamily("inquiry_activity", "enterprise_behaviour", "Requests for quotation over 12 months.",
              "cypher:derive_inquiry_activity", ("SENT", "Inquiry"), "inquiries / 5, capped at 1",
              applies_to="Enterprise", expands_over="active, occasional"),
    TagFamily("enterprise_interest", "enterprise_preference", "Top-level categories asked about or bought.",
              "cypher:derive_enterprise_interest", ("ABOUT", "CONTAINS"), "share of inquiries and items",
              applies_to="Enterprise", expands_over="top-level categories"),
    TagFamily("purchasing_potential", "purchasing_potential",
              "B2B purchasing potential: a score from inquiries, orders, size and engagement, ranked.",
              "algorithm:b2b_potential", ("Inquiry", "Order", "Enterprise.size", "WORKS_FOR"),
              "score percentile", applies_to="Enterprise", refresh="full",
              expands_over="tier_a, tier_b, tier_c"),
)


def validate(families: tuple[TagFamily, ...], cypher_dir: Traversable = CYPHER_DIR) -> None:
    """Fail fast on an unknown dimension, a missing derivation or a duplicate name."""
    seen: set[str] = set()
    for f in families:
        if not _NAME.match(f.name):
            raise CatalogueError(f"tag family {f.name!r}: names are lower_snake_case")
        if f.name in seen:
            raise CatalogueError(f"tag family {f.name!r} is declared twice")
        seen.add(f.name)
        if f.dimension not in DIMENSIONS:
            raise CatalogueError(f"tag family {f.name!r}: unknown dimension {f.dimension!r}")
        wanted = B2B_DIMENSIONS if f.applies_to == "Enterprise" else B2C_DIMENSIONS
        if f.dimension not in wanted:
            raise CatalogueError(f"tag family {f.name!r}: {f.dimension!r} is not a {f.applies_to} dimension")
        if f.query_name is None and f.algorithm is None:
            raise CatalogueError(f"tag family {f.name!r}: derivation must be cypher:<file> or algorithm:<name>")
        if f.query_name and not cypher_dir.joinpath(f"{f.query_name}.cypher").is_file():
            raise CatalogueError(f"tag family {f.name!r}: missing cypher/{f.query_name}.cypher")
        if f.basis not in BASES:
            raise CatalogueError(f"tag family {f.name!r}: basis must be one of {', '.join(BASES)}")
        if f.applies_to == "Enterprise" and f.basis == "sensitive_inference":
            raise CatalogueError(f"tag family {f.name!r}: enterprises are not data subjects of sensitive inference")
        if f.algorithm and f.algorithm not in ALGORITHMS:
            raise CatalogueError(f"tag family {f.name!r}: unknown algorithm {f.algorithm!r}")
        if not f.description or not f.weight_rule or not f.inputs:
            raise CatalogueError(f"tag family {f.name!r}: description, weight rule and inputs are required")


def family(name: str) -> TagFamily:
    for f in FAMILIES:
        if f.name == name:
            return f
    raise KeyError(name)


def family_of(tag: str) -> TagFamily:
    """The family a tag name (``interest:...`` or ``high_value``) belongs to."""
    return family(tag.split(":", 1)[0])


def is_sensitive_tag(tag: str) -> bool:
    """Whether the catalogue makes ``tag`` (or a family of that name) sensitive; unknown names are not."""
    try:
        return family_of(tag).sensitive
    except KeyError:
        return False


validate(FAMILIES)
