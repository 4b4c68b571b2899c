"""Static vocabulary the synthetic generator draws from: countries, categories, channels, words."""

from __future__ import annotations

# country -> (currency, language, weight of B2C customers, FX units per USD)
MARKETS: dict[str, tuple[str, str, float, float]] = {
    "US": ("USD", "en", 0.24, 1.0), "GB": ("GBP", "en", 0.09, 0.79), "DE": ("EUR", "de", 0.09, 0.92),
    "FR": ("EUR", "fr", 0.07, 0.92), "ES": ("EUR", "es", 0.05, 0.92), "IT": ("EUR", "it", 0.05, 0.92),
    "NL": ("EUR", "nl", 0.03, 0.92), "PL": ("PLN", "pl", 0.03, 3.98), "SE": ("SEK", "sv", 0.02, 10.4),
    "CA": ("CAD", "en", 0.05, 1.36), "AU": ("AUD", "en", 0.05, 1.52), "JP": ("JPY", "ja", 0.05, 149.0),
    "KR": ("KRW", "ko", 0.03, 1330.0), "BR": ("BRL", "pt", 0.05, 4.95), "MX": ("MXN", "es", 0.04, 17.1),
    "AE": ("AED", "ar", 0.02, 3.67), "SA": ("SAR", "ar", 0.02, 3.75), "SG": ("SGD", "en", 0.02, 1.34),
}

CITIES: dict[str, list[str]] = {
    "US": ["New York", "Los Angeles", "Chicago", "Houston", "Seattle"], "GB": ["London", "Manchester", "Leeds"],
    "DE": ["Berlin", "Munich", "Hamburg"], "FR": ["Paris", "Lyon", "Marseille"], "ES": ["Madrid", "Barcelona"],
    "IT": ["Rome", "Milan"], "NL": ["Amsterdam", "Rotterdam"], "PL": ["Warsaw", "Krakow"],
    "SE": ["Stockholm", "Gothenburg"], "CA": ["Toronto", "Vancouver"], "AU": ["Sydney", "Melbourne"],
    "JP": ["Tokyo", "Osaka"], "KR": ["Seoul", "Busan"], "BR": ["Sao Paulo", "Rio de Janeiro"],
    "MX": ["Mexico City", "Guadalajara"], "AE": ["Dubai", "Abu Dhabi"], "SA": ["Riyadh", "Jeddah"],
    "SG": ["Singapore"],
}

# warehouse id -> (country, city, countries it serves)
WAREHOUSES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "wh-us": ("US", "Newark", ("US", "CA", "MX")),
    "wh-de": ("DE", "Leipzig", ("DE", "FR", "ES", "IT", "NL", "PL", "SE")),
    "wh-gb": ("GB", "Coventry", ("GB",)),
    "wh-au": ("AU", "Sydney", ("AU",)),
    "wh-jp": ("JP", "Chiba", ("JP", "KR")),
    "wh-br": ("BR", "Campinas", ("BR",)),
    "wh-ae": ("AE", "Jebel Ali", ("AE", "SA")),
    "wh-cn": ("CN", "Shenzhen", ("SG",)),
}

# channel id -> (name, kind, share of B2C acquisitions)
CHANNELS: dict[str, tuple[str, str, float]] = {
    "organic": ("Organic search", "organic", 0.25), "paid-search": ("Paid search", "ads", 0.18),
    "social-ads": ("Social ads", "social", 0.17), "email": ("Email", "email", 0.08),
    "affiliate": ("Affiliate", "affiliate", 0.10), "marketplace": ("Marketplace", "marketplace", 0.14),
    "direct": ("Direct", "direct", 0.08),
}

DEVICES = ["mobile", "desktop", "tablet"]
DEVICE_WEIGHTS = [0.62, 0.31, 0.07]

# top category -> (gender target, price median in USD, mid-level names). Only fashion is targeted
# at a gender, so "shopping gender" is read from fashion purchases.
TOP_CATEGORIES: dict[str, tuple[str, float, list[str]]] = {
    "Baby & Maternity": ("U", 28.0, ["Maternity", "Baby Care", "Nursery", "Feeding"]),
    "Women's Fashion": ("F", 45.0, ["Dresses", "Shoes", "Bags", "Jewellery"]),
    "Men's Fashion": ("M", 50.0, ["Shirts", "Shoes", "Watches", "Outerwear"]),
    "Electronics": ("U", 120.0, ["Phones", "Audio", "Computers", "Cameras"]),
    "Home & Kitchen": ("U", 40.0, ["Cookware", "Bedding", "Decor", "Storage"]),
    "Beauty & Health": ("U", 22.0, ["Skincare", "Makeup", "Fragrance", "Vitamins"]),
    "Sports & Outdoors": ("U", 55.0, ["Fitness", "Camping", "Cycling", "Running"]),
    "Toys & Games": ("U", 25.0, ["Puzzles", "Building Sets", "Dolls", "Board Games"]),
    "Pet Supplies": ("U", 20.0, ["Dog", "Cat", "Aquarium", "Small Pets"]),
    "Automotive": ("U", 60.0, ["Car Care", "Tools", "Electronics", "Interior"]),
    "Books & Media": ("U", 15.0, ["Fiction", "Non-fiction", "Comics", "Music"]),
    "Office & Industrial": ("U", 80.0, ["Stationery", "Packaging", "Safety", "Machinery"]),
}
LEAF_WORDS = ["Classic", "Eco", "Travel", "Pro", "Kids", "Smart"]

# Leaves in Baby & Maternity that make up the life-stage basket pattern.
EXPECTING_LEAVES = ["Maternity Prenatal Vitamins", "Maternity Unscented Lotion", "Maternity Wear"]
NEWBORN_LEAVES = ["Baby Care Newborn Clothes", "Nursery Cribs", "Feeding Bottles"]

FIRST_NAMES_F = ["Emma", "Olivia", "Sofia", "Mia", "Yuki", "Ana", "Lena", "Chloe", "Aisha", "Maria",
                 "Hana", "Julia", "Elena", "Zoe", "Laura", "Nora", "Ines", "Freya", "Amira", "Lucia"]
FIRST_NAMES_M = ["Liam", "Noah", "Lucas", "Mateo", "Kenji", "Omar", "Felix", "Leon", "Hugo", "Ivan",
                 "Jonas", "David", "Samuel", "Arjun", "Diego", "Theo", "Marco", "Ali", "Ben", "Jan"]
LAST_NAMES = ["Smith", "Muller", "Garcia", "Rossi", "Tanaka", "Kim", "Silva", "Martin", "Novak",
              "Johansson", "Brown", "Lopez", "Nakamura", "Dubois", "Kowalski", "Haddad", "Santos",
              "Jensen", "Wilson", "Costa", "Ivanova", "Schmidt", "Moreau", "Park", "Lee", "Khan"]
OCCUPATIONS = ["student", "engineer", "teacher", "nurse", "designer", "manager", "retired",
               "self-employed", "sales", "developer", "doctor", "homemaker"]
INDUSTRIES = ["retail", "hospitality", "construction", "healthcare", "education", "logistics",
              "manufacturing", "e-commerce", "automotive", "beauty salons"]
TITLES = ["Purchasing Manager", "Procurement Lead", "Owner", "Operations Director", "Buyer",
          "Category Manager", "CEO"]
PLATFORMS = ["instagram", "facebook", "tiktok", "whatsapp", "pinterest", "wechat", "x"]
REVIEW_TEXT = {
    1: ["Broke after a week.", "Not as described.", "Very disappointed."],
    2: ["Below expectations.", "Slow shipping and so-so quality.", "Would not buy again."],
    3: ["It is fine.", "Average quality for the price.", "Okay, nothing special."],
    4: ["Good value.", "Works well, shipping was quick.", "Nice quality, would recommend."],
    5: ["Excellent!", "Love it, bought another for a friend.", "Perfect, exactly what I needed."],
}
