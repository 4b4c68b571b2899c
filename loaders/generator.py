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
from dataclasses import dataclass, field, fields, replace
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
#: How many products of the picked category a buyer weighs against each other (Generator._pick).
PRICE_CANDIDATES = 3


def _knob(default: float, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Knobs:
    """Every knob of the generator, with its default; truth/README.md lists them with the values used."""

    social_share: float = _knob(0.6, "share of customers who take part in the social graph (sharing, referrals)")
    social_mixing: float = _knob(0.05, "chance that a share also reaches a member of another, recent community "
                                       "(ties across communities)")
    duplicate_share: float = _knob(0.02, "chance that a customer registers a second record (a true duplicate)")
    duplicate_email: float = _knob(0.6, "chance that a duplicate reuses the email, as a case or spacing variant")
    email_typo: float = _knob(0.15, "chance that a reused email carries a typo instead (it no longer matches)")
    duplicate_phone: float = _knob(0.5, "chance that a duplicate reuses the phone, in another format (spaces, "
                                        "dashes, no '+')")
    duplicate_device: float = _knob(0.4, "chance that a duplicate registers from the same device")
    name_variant: float = _knob(0.4, "chance that a duplicate's name is a variant: a typo (two letters swapped) "
                                     "or another case")
    household_share: float = _knob(0.05, "chance that a customer is followed by 1-3 relatives: same last name, "
                                         "another first name, not the same person")
    household_device: float = _knob(0.6, "chance that a relative uses the family's device")
    household_phone: float = _knob(0.3, "chance that a relative gives the family's (landline) phone")
    household_email: float = _knob(0.25, "chance that a relative gives the family's shared email")
    recycled_phone: float = _knob(0.01, "chance that a customer's phone number belonged to an earlier, "
                                        "unrelated customer")
    no_events_share: float = _knob(0.15, "share of customers with no behaviour events at all")
    never_buy_share: float = _knob(0.12, "share of ordinary customers who register and never buy")
    gift_share: float = _knob(0.1, "chance that a fashion item is a gift for the other gender")
    return_rate: float = _knob(0.05, "share of B2C orders returned (another 2% are cancelled)")
    seasonality: float = _knob(1.0, "strength of the yearly season on purchase rates (0: flat; 1: November "
                                    "1.6x, December 1.8x, January 0.8x)")
    burst_share: float = _knob(0.3, "chance that a browsing event opens a burst: 2-6 more views within minutes")
    b2b_quantity_noise: float = _knob(0.5, "sigma of the log-normal noise on B2B order quantities around "
                                           "20 x potential")
    high_value_share: float = _knob(0.05, "share of customers drawn with a higher purchase rate, lower dropout "
                                          "and bigger baskets (spend x3: more items, dearer picks; everyone "
                                          "pays list price)")
    life_stage_share: float = _knob(0.03, "share of customers who are expecting parents")
    other_gender_share: float = _knob(0.08, "share of F/M customers who shop fashion for the other gender")
    next_period_days: float = _knob(90.0, "length of the period after the data's end whose purchases are "
                                          "planted (customer_params.csv, purchasesNextPeriod)")

    def describe(self) -> list[tuple[str, Any, Any, str]]:
        """(name, default, value, what it does) for every knob."""
        return [(f.name, f.default, getattr(self, f.name), f.metadata["doc"]) for f in fields(self)]


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Product:
    sku: str
    top: str
    leaf_id: str
    price: float
    gender: str


@dataclass(frozen=True)
class Person:
    """What a duplicate record or a relative may copy from a customer."""

    cid: str
    first: str
    last: str
    gender: str
    email: str
    phone: str
    device_id: str
    device: str
    country: str
    reg: datetime


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
        "households.csv": ["customerId", "householdOf", "sharedBy"],
        "recycled_phones.csv": ["customerId", "previousHolder"],
        "high_value.csv": ["customerId"],
        "life_stage.csv": ["customerId", "stage"],
        "shopping_gender.csv": ["customerId", "registeredGender", "shoppingGender"],
        "enterprise_potential.csv": ["enterpriseId", "potential", "rank"],
        "customer_params.csv": ["customerId", "lambdaPerWeek", "dropoutP", "aliveAtEnd", "purchasesNextPeriod"],
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
                 progress: Callable[[int], None] | None = None, knobs: Knobs | None = None) -> None:
        if customers < 10:
            raise ValueError("generate at least 10 customers")
        self.n = customers
        self.k = knobs or Knobs()
        self.seed = seed
        self.phones: deque[tuple[str, str]] = deque(maxlen=5000)  # (customer, phone) of recent customers
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
        rng, k = self.rng, self.k
        community = -1
        block: list[str] = []
        block_size = 0
        recent_blocks: deque[list[str]] = deque(maxlen=20)
        i = 0
        produced = 0
        while produced < self.n:
            cid = f"c{i:07d}"
            i += 1
            social = rng.random() < k.social_share
            if social:
                if len(block) >= block_size:
                    if block:
                        recent_blocks.append(block)
                    community += 1
                    block = []
                    block_size = rng.randint(8, 40)
                self.truth.row("communities.csv", [cid, community])
            me = self._customer(cid, produced, None)
            produced += 1
            if social:
                self._social(cid, me.reg, block, recent_blocks)
                block.append(cid)
            if produced < self.n and rng.random() < k.duplicate_share:
                dup = f"c{i:07d}"
                i += 1
                shared = self._duplicate(dup, me)
                self.truth.row("duplicates.csv", [dup, cid, "+".join(shared)])
                produced += 1
            if rng.random() < k.household_share:
                taken = {me.first}
                for _ in range(rng.randint(1, 3)):
                    if produced >= self.n:
                        break
                    relative = f"c{i:07d}"
                    i += 1
                    shared = self._relative(relative, produced, me, taken)
                    self.truth.row("households.csv", [relative, cid, "+".join(shared)])
                    produced += 1
            if self.progress and produced % 1000 < 4:
                self.progress(produced)
        self.customer_index_end = i  # every c<k> with k < i exists

    def _name(self, gender: str) -> tuple[str, str]:
        first = self.rng.choice(cd.FIRST_NAMES_F if gender == "F" else cd.FIRST_NAMES_M)
        return first, self.rng.choice(cd.LAST_NAMES)

    def _customer(self, cid: str, index: int, family: Person | None, family_names: frozenset[str] = frozenset()
                  ) -> Person:
        """A customer with orders and events; a relative of ``family`` may share its identifiers."""
        rng, k = self.rng, self.k
        country = family.country if family else rng.choices(self.markets, self.market_w)[0]
        currency, language, _, _ = cd.MARKETS[country]
        gender = rng.choices(["F", "M", "U"], [0.52, 0.45, 0.03])[0]
        first, last = self._name("F" if gender == "U" else gender)
        email = f"{first}.{last}.{index}@example-mail.com".lower()
        phone = f"+1555{index:08d}"
        device_id = f"dev-{index:08d}"
        shared: list[str] = []
        if family is not None:
            last = family.last
            while first in family_names:
                first = self._name("F" if gender == "U" else gender)[0]
            for kind, chance in (("email", k.household_email), ("phone", k.household_phone),
                                 ("device", k.household_device)):
                if rng.random() < chance:
                    shared.append(kind)
            email = family.email if "email" in shared else email
            phone = family.phone if "phone" in shared else phone
            device_id = family.device_id if "device" in shared else device_id
        elif self.phones and rng.random() < k.recycled_phone:
            holder, phone = rng.choice(self.phones)
            self.truth.row("recycled_phones.csv", [cid, holder])
        self.phones.append((cid, phone))
        device = family.device if "device" in shared and family else rng.choices(cd.DEVICES, cd.DEVICE_WEIGHTS)[0]
        channel = rng.choices(self.channel_ids, self.channel_w)[0]
        reg = START + timedelta(seconds=rng.uniform(0, (AS_OF - START).total_seconds() - 14 * 86400))
        birth = rng.randint(1950, 2007)
        self.w.row("customers.csv", [cid, f"{first} {last}", email, phone, gender, birth, country,
                                     rng.choice(cd.CITIES[country]), language, iso(reg), device,
                                     device_id, rng.choice(cd.OCCUPATIONS), channel])
        self.nodes["Customer"] += 1
        if "device" not in shared:
            self.nodes["Device"] += 1
        self.rels["USES"] += 1
        self.rels["ACQUIRED_VIA"] += 1
        self._consents(cid, reg)
        # Latent traits.
        group = rng.randrange(N_TASTE_GROUPS)
        self.truth.row("preference_groups.csv", [cid, group])
        high_value = rng.random() < k.high_value_share
        if high_value:
            self.truth.row("high_value.csv", [cid])
        life_stage = gender != "M" and rng.random() < k.life_stage_share / 0.55
        if life_stage:
            self.truth.row("life_stage.csv", [cid, "expecting_parent"])
        other_gender = gender in "FM" and rng.random() < k.other_gender_share
        shop_gender = gender
        if other_gender:
            shop_gender = "M" if gender == "F" else "F"
            self.truth.row("shopping_gender.csv", [cid, gender, shop_gender])
        active_hour = rng.choice([8, 13, 20, 23])
        self._orders(cid, reg, country, channel, group, high_value, life_stage, shop_gender, device)
        self._events(cid, reg, group, active_hour, device, shop_gender)
        return Person(cid, first, last, gender, email, phone, device_id, device, country, reg)

    def _relative(self, cid: str, index: int, family: Person, taken: set[str]) -> list[str]:
        """Someone of ``family``'s household: another person (a first name not ``taken``) who may share
        its email, phone or device."""
        me = self._customer(cid, index, family, frozenset(taken))
        taken.add(me.first)
        return [kind for kind, same in (("email", me.email == family.email), ("phone", me.phone == family.phone),
                                        ("device", me.device_id == family.device_id)) if same]

    def _typo(self, word: str) -> str:
        """Two neighbouring letters swapped (a different string whenever they differ)."""
        rng = self.rng
        spots = [j for j in range(len(word) - 1) if word[j] != word[j + 1] and word[j].isalpha()
                 and word[j + 1].isalpha()]
        if not spots:
            return word + word[-1]
        j = rng.choice(spots)
        return word[:j] + word[j + 1] + word[j] + word[j + 2:]

    def _duplicate(self, dup: str, of: Person) -> list[str]:
        """A second record of the same person; returns the identifiers it shares once normalised."""
        rng, k = self.rng, self.k
        country = rng.choices(self.markets, self.market_w)[0]
        first, last = of.first, of.last
        if rng.random() < k.name_variant:
            style = rng.choice(["typo-first", "typo-last", "upper", "lower"])
            if style == "typo-first":
                first = self._typo(first)
            elif style == "typo-last":
                last = self._typo(last)
            name = f"{first} {last}"
            name = name.upper() if style == "upper" else name.lower() if style == "lower" else name
        else:
            name = f"{first} {last}"
        shared = []
        email = f"alt.{dup}@example-mail.com"
        if rng.random() < k.duplicate_email:
            local, _, domain = of.email.partition("@")
            if rng.random() < k.email_typo:
                email = f"{self._typo(local)}@{domain}"
            else:
                email = rng.choice([of.email.upper(), local.capitalize() + "@" + domain, f" {of.email} ",
                                    of.email])
                shared.append("email")
        phone = f"+1666{dup[1:]}"
        if rng.random() < k.duplicate_phone:
            digits = of.phone.lstrip("+")
            phone = rng.choice([f"+{digits[:1]} {digits[1:4]} {digits[4:8]} {digits[8:]}",
                                f"{digits[:1]}-{digits[1:4]}-{digits[4:8]}-{digits[8:]}", digits, of.phone])
            shared.append("phone")
        device_id = f"dev-x{dup[1:]}"
        if rng.random() < k.duplicate_device:
            device_id = of.device_id
            shared.append("device")
        reg = AS_OF - timedelta(days=rng.uniform(20, 300))
        self.w.row("customers.csv", [
            dup, name, email, phone, of.gender, rng.randint(1950, 2007), country, rng.choice(cd.CITIES[country]),
            cd.MARKETS[country][1], iso(reg), "mobile", device_id,
            rng.choice(cd.OCCUPATIONS), rng.choices(self.channel_ids, self.channel_w)[0]])
        self.nodes["Customer"] += 1
        if "device" not in shared:
            self.nodes["Device"] += 1
        self.rels["USES"] += 1
        self.rels["ACQUIRED_VIA"] += 1
        self._consents(dup, reg)
        return sorted(shared)

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
            if recent and rng.random() < self.k.social_mixing:
                reached.add(rng.choice(rng.choice(recent)))
            for target in sorted(reached):
                self.w.row("share_reaches.csv", [sid, target])
                self.rels["REACHED"] += 1

    def _pick(self, group: int, shop_gender: str, spend: float | None = None) -> Product:
        """A product of one of the group's top categories (80%) or any (20%). With ``spend`` (a
        purchase, not a view), the buyer weighs ``PRICE_CANDIDATES`` products of that category
        against each other, each by ``price ** log(spend)``: a customer of median spend (1) takes
        any of them alike, a bigger spender leans towards the dearer ones, a smaller one towards
        the cheaper."""
        rng = self.rng
        if rng.random() < 0.8:
            top = rng.choice(self.taste_tops[group])
        else:
            top = rng.choice(list(self.by_top))
        pool = self.by_top[top]
        if top in ("Women's Fashion", "Men's Fashion"):
            for_women = shop_gender == "F" if shop_gender in "FM" else rng.random() < 0.5
            if rng.random() < self.k.gift_share:
                for_women = not for_women  # a gift
            pool = self.by_top["Women's Fashion" if for_women else "Men's Fashion"]
        if spend is None:
            return rng.choice(pool)
        candidates = [rng.choice(pool) for _ in range(PRICE_CANDIDATES)]
        lean = math.log(spend)
        return rng.choices(candidates, [c.price ** lean for c in candidates])[0]

    def _orders(self, cid: str, reg: datetime, country: str, channel: str, group: int,
                high_value: bool, life_stage: bool, shop_gender: str, device: str) -> None:
        rng = self.rng
        if rng.random() < self.k.never_buy_share and not (high_value or life_stage):
            self.truth.row("customer_params.csv", [cid, 0, 1, 0, 0])
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
        season = {m: 1 + self.k.seasonality * (w - 1) for m, w in MONTH_WEIGHT.items()}
        max_w = max(season.values())
        end = AS_OF + timedelta(days=self.k.next_period_days)
        upcoming = 0  # purchases in the period after the data's end (planted, never written as orders)
        while t < end:
            if t < AS_OF:
                times.append(t)
            else:
                upcoming += 1
            if rng.random() < dropout:
                alive = alive and t >= AS_OF
                break
            while True:  # next purchase: Poisson process thinned by season
                t = t + timedelta(weeks=min(rng.expovariate(lam * max_w), 1000.0))  # 1000: past any end
                if t >= end or rng.random() < season[t.month] / max_w:
                    break
        self.truth.row("customer_params.csv", [cid, f"{lam:.5f}", f"{dropout:.4f}", int(alive), upcoming])
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
        # A bigger spender fills a bigger basket: the number of items drawn is scaled by
        # spend ** 0.4 (rounded at random, so its mean is exact) and each leans towards dearer
        # products (_pick). Everyone pays the list price, 20% off on a promo order.
        picks = rng.choice([1, 1, 1, 2, 2, 3, 4]) * spend ** 0.4
        for _ in range(max(1, int(picks + rng.random())) if not forced else 0):
            p = self._pick(group, shop_gender, spend)
            items[p.sku] = (p, rng.choice([1, 1, 1, 2, 3]))
        total_usd = 0.0
        lines = []
        for p, qty in items.values():
            unit = round(p.price * (0.8 if promo else 1.0), 2)
            total_usd += unit * qty
            lines.append([oid, p.sku, qty, f"{unit:.2f}"])
        order_channel = channel if rng.random() < 0.6 else rng.choice(self.channel_ids)
        status = rng.choices(["delivered", "returned", "cancelled"],
                             [0.98 - self.k.return_rate, self.k.return_rate, 0.02])[0]
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

    def _events(self, cid: str, reg: datetime, group: int, active_hour: int, device: str, shop_gender: str) -> None:
        rng = self.rng
        if rng.random() < self.k.no_events_share:
            return
        n = min(60, int(rng.expovariate(1 / 12.0)))
        span = max(1.0, (AS_OF - reg).total_seconds())
        for _ in range(n):
            day = reg + timedelta(seconds=rng.uniform(0, span))
            hour = (active_hour + int(rng.gauss(0, 1.5))) % 24
            at = day.replace(hour=hour, minute=rng.randrange(60))
            if at > AS_OF:
                at = AS_OF
            kind = rng.choices(["view", "search", "favorite", "cart"], [0.7, 0.12, 0.08, 0.1])[0]
            self._event(cid, kind, at, group, device, shop_gender)
            if kind == "view" and rng.random() < self.k.burst_share:
                for _ in range(rng.randint(2, 6)):  # a burst: more views within minutes
                    at = min(AS_OF, at + timedelta(seconds=rng.uniform(10, 240)))
                    self._event(cid, "view", at, group, device, shop_gender)

    def _event(self, cid: str, kind: str, at: datetime, group: int, device: str, shop_gender: str) -> None:
        rng = self.rng
        eid = f"e{self.ids:09d}"
        self.ids += 1
        rec: dict[str, Any] = {"eventId": eid, "customerId": cid, "type": kind, "at": iso(at), "device": device}
        if kind == "search":
            term = rng.choice(self.leaf_names).lower()
            rec["query"] = term
            self.search_terms.add(term)
            self.rels["SEARCHED"] += 1
        else:
            rec["sku"] = self._pick(group, shop_gender).sku
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
                    qty = max(1, round((20 * potential + 5) * math.exp(rng.gauss(0, self.k.b2b_quantity_noise))))
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
        (self.out / "truth" / "README.md").write_text(truth_readme(self.k))
        # The shop's own configuration for its catalogue, as a real shop would write it (not truth).
        (self.out / CATEGORY_MAP_FILE).write_text(category_map_toml(cd.EXPECTING_LEAVES, cd.NEWBORN_LEAVES))
        return manifest


TRUTH_README = """# Planted truth

The hidden structure this dataset was drawn from. ckg never reads these files when it loads or
derives tags; `ckg eval` compares the graph with them.

| file | what it holds |
| --- | --- |
{files}

## Prices and baskets

Every buyer pays a product's list price (`products.csv`), 20% off on a promo order; enterprises
pay 75% of it. What a customer spends per order is a latent trait, `spend`: log-normal with median
1 (sigma 0.35), three times that for the high-value class. It shows as a real big spender's
basket does: the number of items drawn for an order (1-4 for a customer of median spend) is
scaled by `spend ** 0.4`, and each item is chosen among 3 products of its category, weighted by
`price ** ln(spend)`: a customer of median spend takes any of them alike, a bigger spender leans
towards the dearer ones, a smaller one towards the cheaper. Quantities (1-3 a line) do not depend
on it. So an order of the high-value class holds about 1.5 times the items and is worth about 1.8
times an order of the others; no one pays another price for the same product.

## Noise and its knobs

Every knob is a field of `ckg.loaders.generator.Knobs` (pass `knobs=Knobs(...)` to `generate`, or
`ckg generate --knob name=value`). The dataset was drawn with these values:

| knob | default | this dataset | what it does |
| --- | --- | --- | --- |
"""


TRUTH_FILES = [
    ("communities.csv", "the social group of every customer who takes part in sharing and referrals"),
    ("preference_groups.csv", "each customer's taste group (80% of purchases come from its three top categories)"),
    ("duplicates.csv", "second records of the same person, and the identifiers (email, phone, device) the two "
                       "share once normalised (emails trimmed and lower-cased, phones digits only), joined by `+`; "
                       "empty when they share none (a typo'd email, a new phone and device)"),
    ("households.csv", "relatives registered after a customer: another person with the same last name who may "
                       "share the family's email, phone or device; not duplicates"),
    ("recycled_phones.csv", "customers given a phone number an earlier, unrelated customer gave"),
    ("high_value.csv", "customers drawn with a higher purchase rate, lower dropout and bigger baskets: three "
                       "times the spend of their peers (see Prices and baskets)"),
    ("life_stage.csv", "expecting parents: prenatal vitamins and unscented lotion, then newborn items"),
    ("shopping_gender.csv", "customers whose fashion purchases are for the other gender than the registered one "
                            "(gifts aside)"),
    ("enterprise_potential.csv", "each enterprise's latent purchasing potential and its rank (1 = highest)"),
    ("customer_params.csv", "each buyer's BG/NBD draw: purchase rate per week, dropout probability, alive at the "
                            "end, and purchases in the period after the data's end (`next_period_days`), drawn "
                            "from the same process but never written as orders"),
]


def truth_readme(knobs: Knobs) -> str:
    files = "\n".join(f"| {name} | {text} |" for name, text in TRUTH_FILES)
    rows = [f"| {name} | {default} | {value} | {doc} |" for name, default, value, doc in knobs.describe()]
    return TRUTH_README.replace("{files}", files) + "\n".join(rows) + "\n"


CATEGORY_MAP_FILE = "category-map.toml"


def parse_knobs(settings: list[str]) -> Knobs:
    """``name=value`` strings (``ckg generate --knob``) over the defaults."""
    known = {f.name for f in fields(Knobs)}
    values: dict[str, float] = {}
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep or name.strip() not in known:
            raise ValueError(f"unknown knob {item!r}: use name=value with one of {', '.join(sorted(known))}")
        try:
            values[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"knob {name.strip()!r} needs a number, not {value!r}") from None
    return replace(Knobs(), **values)


def generate(customers: int, seed: int, out: Path, progress: Callable[[int], None] | None = None,
             knobs: Knobs | None = None) -> dict[str, Any]:
    """Write a dataset of ``customers`` B2C customers (plus B2B enterprises) into ``out``."""
    return Generator(customers, seed, out, progress, knobs).run()
