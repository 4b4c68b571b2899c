"""GraphiQL opened with a working example: a customer's portrait."""

from __future__ import annotations

import re

from strawberry.http.ides import get_graphql_ide_html

EXAMPLE = """# ckg: a customer's portrait, grouped by dimension.
# 1. Paste your token in the Headers tab: {"Authorization": "Bearer ckg_..."}
#    (`make demo` prints an admin token; `ckg token create --role analyst` makes more).
# 2. Press the run button.
query Portrait($id: ID! = "c0000001") {
  portrait(customerId: $id) {
    pAlive
    expectedPurchases90d
    customer { id country name email community { id size dominantInterests } }
    dimensions { name tags { name weight confidence computedAt } }
  }
  recommendations(customerId: $id, first: 5) { sku name reasons score }
}
"""


def graphiql_html() -> str:
    html = get_graphql_ide_html("graphiql")
    example = EXAMPLE.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    replaced, n = re.subn(r"const EXAMPLE_QUERY = `.*?`;", lambda _: f"const EXAMPLE_QUERY = `{example}`;", html,
                          count=1, flags=re.S)
    return replaced if n else html
