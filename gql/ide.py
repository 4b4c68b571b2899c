"""GraphiQL opened with a working example: a customer's portrait.

The page and the libraries it loads (React, GraphiQL, its explorer plugin) are served from the
package (``gql/static/``), never from a CDN, so GraphiQL works on a machine without internet access.
"""

from __future__ import annotations

import json

from ckg.gql.assets import text

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
    # JSON inside a <script> element: "</" is escaped so no text of the example can close it.
    example = json.dumps(EXAMPLE).replace("</", "<\\/")
    return text("pages/graphiql.html").replace("__EXAMPLE_JSON__", example)
