"""Synthetic cross-border dataset with planted truth (``ckg generate``).

Deterministic per seed and streamed: each customer's records are written as soon as they are
drawn, so memory stays bounded whatever the size. The hidden structure the data is drawn from
(social communities, taste groups, duplicate identities, high-value and life-stage shoppers,
shopping gender, enterprise potential) is written to ``DIR/truth/`` so tag accuracy can be
measured, and ``DIR/manifest.json`` holds the exact node and relationship counts a load into an
empty database must produce.
"""

from __future__ import annotations

import csv
import json
import math
import random
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from ckg.graph.category_map import category_map_toml
from ckg.loaders import catalogue_data as cd
from ckg.loaders.format import FORMAT_VERSION, HEADERS

AS_OF = datetime(2026, 10, 31, 23, 59, 0, tzinfo=UTC)
START = AS_OF - timedelta(days=730)
SPAN_WEEKS = 730 / 7
MONTH_WEIGHT = {1: 0.8, 2: 0.85, 3: 0.95, 4: 1.0, 5: 1.0, 6: 0.95, 7: 0.9, 8: 0.95, 9: 1.0, 10: 1.1,
                11: 1.6, 12: 1.8}
N_TASTE_GROUPS = 12
SOCIAL_SHARE = 0.6  # share of customers who take part in the social graph
DUPLICATE_SHARE = 0.02
HIGH_VALUE_SHARE = 0.05
LIFE_STAGE_SHARE = 0.03
OTHER_GENDER_SHARE = 0.08


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Product:
    sku: str
    top: str
    leaf_id: str
    price: float
    gender: str


@dataclass
class Writers:
    """One CSV writer per entity file plus the events file, and the counts for the manifest."""

    out: Path
    files: dict[str, IO[str]] = field(default_factory=dict)
    writers: dict[str, Any] = field(default_factory=dict)
    rows: Counter[str] = field(default_factory=Counter)

    def open(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for name, header in HEADERS.items():
            fh = open(self.out / name, "w", encoding="utf-8", newline="")
            self.files[name] = fh
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            self.writers[name] = w
        self.files["events.jsonl"] = open(self.out / "events.jsonl", "w", encoding="utf-8")

    def row(self, name: str, values: list[Any]) -> None:
        self.writers[name].writerow(values)
        self.rows[name] += 1

    def event(self, record: dict[str, Any]) -> None:
        self.files["events.jsonl"].write(json.dumps(record, separators=(",", ":")) + "\n")
        self.rows["events.jsonl"] += 1

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


@dataclass
class Truth:
    """Planted truth files, written as rows arrive."""

    out: Path
    files: dict[str, IO[str]] = field(default_factory=dict)
    writers: dict[str, Any] = field(default_factory=dict)

    HEADERS = {
        "communities.csv": ["customerId", "community"],
        "preference_groups.csv": ["customerId", "group"],
        "duplicates.csv": ["customerId", "duplicateOf", "sharedBy"],
        "high_value.csv": ["customerId"],
        "life_stage.csv": ["customerId", "stage"],
        "shopping_gender.csv": ["customerId", "registeredGender", "shoppingGender"],
        "enterprise_potential.csv": ["enterpriseId", "potential", "rank"],
        "customer_params.csv": ["customerId", "lambdaPerWeek", "dropoutP", "aliveAtEnd"],
    }

    def open(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for name, header in self.HEADERS.items():
            fh = open(self.out / name, "w", encoding="utf-8", newline="")
            self.files[name] = fh
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            self.writers[name] = w

    def row(self, name: str, values: list[Any]) -> None:
        self.writers[name].writerow(values)

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


class Generator:
    """Draws one dataset; :meth:`run` writes it and returns the manifest."""

    def __init__(self, customers: int, seed: int, out: Path,
                 progress: Callable[[int], None] | None = None) -> None:
        if customers < 10:
            raise ValueError("generate at least 10 customers")
        self.n = customers
        self.rng = random.Random(seed)
        self.out = out
        self.progress = progress
        self.w = Writers(out)
        self.truth = Truth(out / "truth")
        self.nodes: Counter[str] = Counter()
        self.rels: Counter[str] = Counter()
        self.products: list[Product] = []
        self.by_top: dict[str, list[Product]] = {}
        self.by_leaf_name: dict[str, list[Product]] = {}
        self.leaf_names: list[str] = []
        self.search_terms: set[str] = set()
        self.taste_tops: list[list[str]] = []
        self.ids = 0
        self.customer_index_end = 0
        self.last_name = ""
        self.markets = list(cd.MARKETS)
        self.market_w = [cd.MARKETS[c][2] for c in self.markets]
        self.channel_ids = list(cd.CHANNELS)
        self.channel_w = [cd.CHANNELS[c][2] for c in self.channel_ids]
        self.warehouse_for = {c: wid for wid, (_, _, serves) in cd.WAREHOUSES.items() for c in serves}

    # ----------------------------------------------------------------- reference data
    def _reference_data(self) -> None:
        rng = self.rng
        for wid, (country, city, _) in cd.WAREHOUSES.items():
            self.w.row("warehouses.csv", [wid, country, city])
            self.nodes["Warehouse"] += 1
        for cid, (name, kind, _) in cd.CHANNELS.items():
            self.w.row("channels.csv", [cid, name, kind])
            self.nodes["Channel"] += 1
        tops = list(cd.TOP_CATEGORIES)
        brand_ids: dict[str, list[str]] = {t: [] for t in tops}
        for b in range(150):
            top = tops[b % len(tops)]
            bid = f"b{b:03d}"
            self.w.row("brands.csv", [bid, f"{cd.LAST_NAMES[b % len(cd.LAST_NAMES)]} {top.split()[0]} {b}",
                                      rng.choice(["CN", "US", "DE", "JP", "KR", "IT", "GB"])])
            self.nodes["Brand"] += 1
            brand_ids[top].append(bid)
        sku = 0
        for ti, top in enumerate(tops):
            gender, median, mids = cd.TOP_CATEGORIES[top]
            top_id = f"cat-{ti:02d}"
            self.w.row("categories.csv", [top_id, top, ""])
            self.nodes["Category"] += 1
            self.by_top[top] = []
            for mi, mid in enumerate(mids):
                mid_id = f"{top_id}-{mi}"
                self.w.row("categories.csv", [mid_id, f"{top}: {mid}", top_id])
                self.nodes["Category"] += 1
                self.rels["SUBCATEGORY_OF"] += 1
                leaves = [f"{mid} {word}" for word in cd.LEAF_WORDS[:4]]
                if top == "Baby & Maternity":
                    special = {"Maternity": cd.EXPECTING_LEAVES, "Baby Care": cd.NEWBORN_LEAVES[:1],
                               "Nursery": cd.NEWBORN_LEAVES[1:2], "Feeding": cd.NEWBORN_LEAVES[2:]}
                    leaves = special[mid] + leaves[len(special[mid]):]
                for li, leaf in enumerate(leaves):
                    leaf_id = f"{mid_id}-{li}"
                    self.w.row("categories.csv", [leaf_id, leaf, mid_id])
                    self.nodes["Category"] += 1
                    self.rels["SUBCATEGORY_OF"] += 1
                    self.leaf_names.append(leaf)
                    self.by_leaf_name.setdefault(leaf, [])
                    leaf_gender = gender
                    if top == "Beauty & Health" and mid == "Vitamins":
                        leaf_gender = "U"
                    for _ in range(12):
                        price = round(median * math.exp(rng.gauss(0, 0.5)), 2)
                        p = Product(f"sku-{sku:06d}", top, leaf_id, price, leaf_gender)
                        self.w.row("products.csv", [p.sku, f"{leaf} item {sku}", leaf_id,
                                                    rng.choice(brand_ids[top]), f"{price:.2f}", "USD",
                                                    leaf_gender])
                        self.nodes["Product"] += 1
                        self.rels["IN_CATEGORY"] += 1
                        self.rels["MADE_BY"] += 1
                        self.products.append(p)
                        self.by_top[top].append(p)
                        self.by_leaf_name[leaf].append(p)
                        sku += 1
        # Taste groups: each prefers three top categories (fixed per seed).
        for _ in range(N_TASTE_GROUPS):
            self.taste_tops.append(rng.sample(tops, 3))

    # ----------------------------------------------------------------- customers
    def _customers(self) -> None:
        rng = self.rng
        community = -1
        block: list[str] = []
        block_size = 0
        recent_blocks: deque[list[str]] = deque(maxlen=20)
        i = 0
        produced = 0
        while produced < self.n:
            cid = f"c{i:07d}"
            i += 1
            social = rng.random() < SOCIAL_SHARE
            if social:
                if len(block) >= block_size:
                    if block:
                        recent_blocks.append(block)
                    community += 1
                    block = []
                    block_size = rng.randint(8, 40)
                self.truth.row("communities.csv", [cid, community])
            reg, gender, email, phone, device_id = self._customer(cid, produced)
            produced += 1
            if social:
                self._social(cid, reg, block, recent_blocks)
                block.append(cid)
            if produced < self.n and rng.random() < DUPLICATE_SHARE:
                dup = f"c{i:07d}"
                i += 1
                shared = rng.choice(["email", "phone", "device"])
                self._duplicate(dup, cid, gender, email, phone, device_id, shared)
                self.truth.row("duplicates.csv", [dup, cid, shared])
                produced += 1
            if self.progress and produced % 1000 < 2:
                self.progress(produced)
        self.customer_index_end = i  # every c<k> with k < i exists

    def _name(self, gender: str) -> tuple[str, str]:
        first = self.rng.choice(cd.FIRST_NAMES_F if gender == "F" else cd.FIRST_NAMES_M)
        return first, self.rng.choice(cd.LAST_NAMES)

    def _customer(self, cid: str, index: int) -> tuple[datetime, str, str, str, str]:
        rng = self.rng
        country = rng.choices(self.markets, self.market_w)[0]
        currency, language, _, _ = cd.MARKETS[country]
        gender = rng.choices(["F", "M", "U"], [0.52, 0.45, 0.03])[0]
        first, last = self._name("F" if gender == "U" else gender)
        self.last_name = f"{first} {last}"  # a duplicate record repeats the person's name
        email = f"{first}.{last}.{index}@example-mail.com".lower()
        phone = f"+1555{index:08d}"
        device = rng.choices(cd.DEVICES, cd.DEVICE_WEIGHTS)[0]
        device_id = f"dev-{index:08d}"
        channel = rng.choices(self.channel_ids, self.channel_w)[0]
        reg = START + timedelta(seconds=rng.uniform(0, (AS_OF - START).total_seconds() - 14 * 86400))
        birth = rng.randint(1950, 2007)
        self.w.row("customers.csv", [cid, f"{first} {last}", email, phone, gender, birth, country,
                                     rng.choice(cd.CITIES[country]), language, iso(reg), device,
                                     device_id, rng.choice(cd.OCCUPATIONS), channel])
        self.nodes["Customer"] += 1
        self.nodes["Device"] += 1
        self.rels["USES"] += 1
        self.rels["ACQUIRED_VIA"] += 1
        self._consents(cid, reg)
        # Latent traits.
        group = rng.randrange(N_TASTE_GROUPS)
        self.truth.row("preference_groups.csv", [cid, group])
        high_value = rng.random() < HIGH_VALUE_SHARE
        if high_value:
            self.truth.row("high_value.csv", [cid])
        life_stage = gender != "M" and rng.random() < LIFE_STAGE_SHARE / 0.55
        if life_stage:
            self.truth.row("life_stage.csv", [cid, "expecting_parent"])
        other_gender = gender in "FM" and rng.random() < OTHER_GENDER_SHARE
        shop_gender = gender
        if other_gender:
            shop_gender = "M" if gender == "F" else "F"
            self.truth.row("shopping_gender.csv", [cid, gender, shop_gender])
        active_hour = rng.choice([8, 13, 20, 23])
        self._orders(cid, reg, country, channel, group, high_value, life_stage, shop_gender, device)
        self._events(cid, reg, group, active_hour, device)
        return reg, gender, email, phone, device_id

    def _duplicate(self, dup: str, of: str, gender: str, email: str, phone: str, device_id: str,
                   shared: str) -> None:
        """A second record of the same person: shares exactly one identifier with the first."""
        rng = self.rng
        country = rng.choices(self.markets, self.market_w)[0]
        reg = AS_OF - timedelta(days=rng.uniform(20, 300))
        self.w.row("customers.csv", [
            dup, self.last_name,
            email if shared == "email" else f"alt.{dup}@example-mail.com",
            phone if shared == "phone" else f"+1666{dup[1:]}",
            gender, rng.randint(1950, 2007), country, rng.choice(cd.CITIES[country]),
            cd.MARKETS[country][1], iso(reg), "mobile",
            device_id if shared == "device" else f"dev-x{dup[1:]}",
            rng.choice(cd.OCCUPATIONS), rng.choices(self.channel_ids, self.channel_w)[0]])
        self.nodes["Customer"] += 1
        if shared != "device":
            self.nodes["Device"] += 1
        self.rels["USES"] += 1
        self.rels["ACQUIRED_VIA"] += 1
        self._consents(dup, reg)

    def _consents(self, cid: str, reg: datetime) -> None:
        for purpose, p in (("marketing", 0.7), ("profiling", 0.6), ("sensitive_inference", 0.45)):
            if self.rng.random() < 0.85:
                granted = self.rng.random() < p
                self.w.row("consents.csv", [f"{cid}-{purpose}", cid, purpose,
                                            "true" if granted else "false", iso(reg)])
                self.nodes["Consent"] += 1
                self.rels["GAVE"] += 1

    def _social(self, cid: str, reg: datetime, block: list[str], recent: deque[list[str]]) -> None:
        rng = self.rng
        if not block:
            return
        # Referred by one earlier member of the community (each customer is referred at most once).
        if rng.random() < 0.5:
            self.w.row("referrals.csv", [rng.choice(block), cid, iso(reg)])
            self.rels["REFERRED"] += 1
        # Shares by this customer reaching members of the community (and rarely outside it).
        for _ in range(rng.choice([2, 2, 3, 4])):
            sid = f"s{self.ids:08d}"
            self.ids += 1
            p = rng.choice(self.products)
            at = reg + timedelta(days=rng.uniform(0, max(1.0, (AS_OF - reg).days)))
            self.w.row("shares.csv", [sid, cid, p.sku, rng.choice(cd.PLATFORMS), iso(at)])
            self.nodes["SocialShare"] += 1
            self.rels["SHARED"] += 1
            self.rels["OF"] += 1
            reached = set(rng.sample(block, min(len(block), rng.randint(2, 5))))
            if recent and rng.random() < 0.04:
                reached.add(rng.choice(rng.choice(recent)))
            for target in sorted(reached):
                self.w.row("share_reaches.csv", [sid, target])
                self.rels["REACHED"] += 1

    def _pick(self, group: int, shop_gender: str) -> Product:
        rng = self.rng
        if rng.random() < 0.8:
            top = rng.choice(self.taste_tops[group])
        else:
            top = rng.choice(list(self.by_top))
        pool = self.by_top[top]
        if top in ("Women's Fashion", "Men's Fashion"):
            pool = self.by_top["Women's Fashion" if shop_gender == "F" else "Men's Fashion"]
        return rng.choice(pool)

    def _orders(self, cid: str, reg: datetime, country: str, channel: str, group: int,
                high_value: bool, life_stage: bool, shop_gender: str, device: str) -> None:
        rng = self.rng
        if rng.random() < 0.12 and not (high_value or life_stage):
            self.truth.row("customer_params.csv", [cid, 0, 1, 0])
            return  # registered, never bought
        lam = rng.gammavariate(1.2, 1 / 22.0)  # purchases per week
        dropout = rng.betavariate(0.9, 5.0)
        spend = math.exp(rng.gauss(0, 0.35))
        if high_value:
            lam, spend, dropout = lam * 2.5 + 0.08, spend * 3.0, dropout * 0.3
        promo_sens = rng.betavariate(1.5, 4.0)
        t = reg + timedelta(days=rng.uniform(0, 14))
        times: list[datetime] = []
        alive = True
        max_w = max(MONTH_WEIGHT.values())
        while t < AS_OF:
            times.append(t)
            if rng.random() < dropout:
                alive = False
                break
            while True:  # next purchase: Poisson process thinned by season
                t = t + timedelta(weeks=rng.expovariate(lam * max_w))
                if t >= AS_OF or rng.random() < MONTH_WEIGHT[t.month] / max_w:
                    break
        self.truth.row("customer_params.csv", [cid, f"{lam:.5f}", f"{dropout:.4f}", int(alive)])
        currency, _, _, fx = cd.MARKETS[country]
        expecting_at = AS_OF - timedelta(days=rng.uniform(60, 300)) if life_stage else None
        for t in times:
            self._order(cid, t, country, currency, fx, channel, group, spend, promo_sens,
                        shop_gender, device, [])
        if expecting_at is not None:
            # The planted basket pattern: prenatal vitamins and unscented lotion, then newborn items.
            for k, leaves in enumerate((cd.EXPECTING_LEAVES, cd.EXPECTING_LEAVES, cd.NEWBORN_LEAVES)):
                at = expecting_at + timedelta(days=25 * k + rng.uniform(0, 10))
                if at < AS_OF:
                    items = [rng.choice(self.by_leaf_name[leaf]) for leaf in rng.sample(leaves, 2)]
                    self._order(cid, at, country, currency, fx, channel, group, spend, promo_sens,
                                shop_gender, device, items)

    def _order(self, cid: str, at: datetime, country: str, currency: str, fx: float, channel: str,
               group: int, spend: float, promo_sens: float, shop_gender: str, device: str,
               forced: list[Product]) -> None:
        rng = self.rng
        oid = f"o{self.ids:09d}"
        self.ids += 1
        promo = rng.random() < promo_sens
        items: dict[str, tuple[Product, int]] = {}
        for p in forced:
            items[p.sku] = (p, 1)
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4]) if not forced else 0):
            p = self._pick(group, shop_gender)
            items[p.sku] = (p, rng.choice([1, 1, 1, 2, 3]))
        total_usd = 0.0
        lines = []
        for p, qty in items.values():
            unit = round(p.price * spend ** 0.5 * (0.8 if promo else 1.0), 2)
            total_usd += unit * qty
            lines.append([oid, p.sku, qty, f"{unit:.2f}"])
        order_channel = channel if rng.random() < 0.6 else rng.choice(self.channel_ids)
        status = rng.choices(["delivered", "returned", "cancelled"], [0.93, 0.05, 0.02])[0]
        self._write_order([oid, cid, "", iso(at), f"{total_usd * fx:.2f}", currency, f"{total_usd:.2f}",
                           order_channel, status, self.warehouse_for.get(country, "wh-cn"),
                           "true" if promo else "false", device], lines)
        for line in lines:
            if rng.random() < 0.25:
                rating = max(1, min(5, round(rng.gauss(4.0, 1.0))))
                rid = f"r{self.ids:09d}"
                self.ids += 1
                when = at + timedelta(days=rng.uniform(3, 20))
                self.w.row("reviews.csv", [rid, cid, line[1], rating,
                                           rng.choice(cd.REVIEW_TEXT[rating]), iso(min(when, AS_OF))])
                self.nodes["Review"] += 1
                self.rels["WROTE"] += 1
                self.rels["REVIEWS"] += 1

    def _write_order(self, order: list[Any], lines: list[list[Any]]) -> None:
        """One orders.csv row (every order has a buyer, a channel and a warehouse) and its items."""
        self.w.row("orders.csv", order)
        self.nodes["Order"] += 1
        for rel in ("PLACED", "VIA", "SHIPPED_FROM"):
            self.rels[rel] += 1
        for line in lines:
            self.w.row("order_items.csv", line)
            self.rels["CONTAINS"] += 1

    def _events(self, cid: str, reg: datetime, group: int, active_hour: int, device: str) -> None:
        rng = self.rng
        n = min(60, int(rng.expovariate(1 / 12.0)))
        span = max(1.0, (AS_OF - reg).total_seconds())
        for _ in range(n):
            day = reg + timedelta(seconds=rng.uniform(0, span))
            hour = (active_hour + int(rng.gauss(0, 1.5))) % 24
            at = day.replace(hour=hour, minute=rng.randrange(60))
            if at > AS_OF:
                at = AS_OF
            kind = rng.choices(["view", "search", "favorite", "cart"], [0.7, 0.12, 0.08, 0.1])[0]
            eid = f"e{self.ids:09d}"
            self.ids += 1
            rec: dict[str, Any] = {"eventId": eid, "customerId": cid, "type": kind, "at": iso(at),
                                   "device": device}
            if kind == "search":
                term = rng.choice(self.leaf_names).lower()
                rec["query"] = term
                self.search_terms.add(term)
                self.rels["SEARCHED"] += 1
            else:
                rec["sku"] = self._pick(group, "F").sku
                self.rels[{"view": "VIEWED", "favorite": "FAVORITED", "cart": "ADDED_TO_CART"}[kind]] += 1
            self.w.event(rec)

    # ----------------------------------------------------------------- enterprises (B2B)
    def _enterprises(self) -> None:
        rng = self.rng
        count = max(10, self.n // 50)
        potentials: list[tuple[float, str]] = []
        b2b_countries = self.markets + ["CN", "IN", "TR", "VN", "NG", "ZA"]
        for e in range(count):
            eid = f"ent{e:06d}"
            potential = math.exp(rng.gauss(0, 1.0))
            potentials.append((potential, eid))
            size = int(min(20000, max(2, 20 * potential * math.exp(rng.gauss(0, 0.6)))))
            band = ("<1M" if size < 20 else "1M-10M" if size < 100 else "10M-100M" if size < 1000
                    else ">100M")
            country = rng.choice(b2b_countries)
            self.w.row("enterprises.csv", [eid, f"{rng.choice(cd.LAST_NAMES)} {rng.choice(cd.INDUSTRIES)} "
                                                f"Co. {e}", country, rng.choice(cd.INDUSTRIES), size,
                                           rng.randint(1960, 2024), band, f"https://{eid}.example.com"])
            self.nodes["Enterprise"] += 1
            contacts = []
            for k in range(rng.randint(1, 4)):
                ctid = f"{eid}-ct{k}"
                first, last = self._name(rng.choice("FM"))
                as_customer = f"c{rng.randrange(self.customer_index_end):07d}" if rng.random() < 0.1 else ""
                if as_customer:
                    self.rels["IS_CUSTOMER"] += 1
                self.w.row("contacts.csv", [ctid, eid, f"{first} {last}",
                                            f"{first}.{last}@{eid}.example.com".lower(),
                                            f"+4420{e:06d}{k}", rng.choice(cd.TITLES), as_customer])
                self.nodes["Contact"] += 1
                self.rels["WORKS_FOR"] += 1
                contacts.append(ctid)
            top_pref = rng.sample(list(self.by_top), 2)
            n_inq = self._poisson(1.5 * potential)
            for _ in range(n_inq):
                iid = f"inq{self.ids:09d}"
                self.ids += 1
                p = rng.choice(self.by_top[rng.choice(top_pref)])
                at = START + timedelta(days=rng.uniform(0, 729))
                qty = int(50 * potential * math.exp(rng.gauss(0, 0.5))) + 10
                contact = rng.choice(contacts)
                self.w.row("inquiries.csv", [iid, eid, contact, p.sku, qty, f"{p.price * 0.7:.2f}", "USD",
                                             rng.choice(["open", "quoted", "won", "lost"]), iso(at)])
                self.nodes["Inquiry"] += 1
                self.rels["SENT"] += 2
                self.rels["ABOUT"] += 1
            for _ in range(self._poisson(1.0 * potential)):
                oid = f"o{self.ids:09d}"
                self.ids += 1
                at = START + timedelta(days=rng.uniform(0, 729))
                items = {p.sku: p for p in (rng.choice(self.by_top[rng.choice(top_pref)])
                                            for _ in range(rng.randint(1, 3)))}
                total = 0.0
                lines = []
                for p in items.values():
                    qty = int(20 * potential) + 5
                    unit = round(p.price * 0.75, 2)
                    total += unit * qty
                    lines.append([oid, p.sku, qty, f"{unit:.2f}"])
                self._write_order([oid, "", eid, iso(at), f"{total:.2f}", "USD", f"{total:.2f}", "direct",
                                   "delivered", "wh-cn", "false", "desktop"], lines)
        potentials.sort(reverse=True)
        for rank, (potential, eid) in enumerate(potentials, start=1):
            self.truth.row("enterprise_potential.csv", [eid, f"{potential:.4f}", rank])

    def _poisson(self, mean: float) -> int:
        # Knuth's method; means here are small.
        limit, k, p = math.exp(-min(mean, 30.0)), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    # ----------------------------------------------------------------- run
    def run(self) -> dict[str, Any]:
        self.w.open()
        self.truth.open()
        try:
            self._reference_data()
            self._customers()
            self._enterprises()
        finally:
            self.w.close()
            self.truth.close()
        self.nodes["SearchTerm"] = len(self.search_terms)
        manifest = {
            "formatVersion": FORMAT_VERSION,
            "generator": {"customers": self.n, "asOf": iso(AS_OF)},
            "files": dict(sorted(self.w.rows.items())),
            "nodes": dict(sorted(self.nodes.items())),
            "relationships": dict(sorted(self.rels.items())),
        }
        (self.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        (self.out / "truth" / "README.md").write_text(TRUTH_README)
        # The shop's own configuration for its catalogue, as a real shop would write it (not truth).
        (self.out / CATEGORY_MAP_FILE).write_text(category_map_toml(cd.EXPECTING_LEAVES, cd.NEWBORN_LEAVES))
        return manifest


TRUTH_README = """# Planted truth

The hidden structure this dataset was drawn from. ckg never reads these files when it loads or
derives tags; `ckg eval` compares the graph with them.

| file | what it holds |
| --- | --- |
| communities.csv | the social group of every customer who takes part in sharing and referrals |
| preference_groups.csv | each customer's taste group (80% of purchases come from its three top categories) |
| duplicates.csv | second records of the same person and the one identifier (email, phone, device) they share |
| high_value.csv | customers drawn with a higher purchase rate, lower dropout and bigger baskets |
| life_stage.csv | expecting parents: prenatal vitamins and unscented lotion, then newborn items |
| shopping_gender.csv | customers whose fashion purchases are for the other gender than the registered one |
| enterprise_potential.csv | each enterprise's latent purchasing potential and its rank (1 = highest) |
| customer_params.csv | each buyer's BG/NBD draw: purchase rate per week, dropout probability, alive at the end |
"""


CATEGORY_MAP_FILE = "category-map.toml"


def generate(customers: int, seed: int, out: Path,
             progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Write a dataset of ``customers`` B2C customers (plus B2B enterprises) into ``out``."""
    return Generator(customers, seed, out, progress).run()
