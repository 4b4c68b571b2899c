"""Render the catalogue as Markdown (docs/tags.md)."""

from __future__ import annotations

from ckg.graph.tags.catalogue import B2B_DIMENSIONS, B2C_DIMENSIONS, FAMILIES

BASIS_CELL = {"registered": "registered", "profiling": "profiling",
              "sensitive_inference": "**sensitive_inference**: needs consent, admins only"}


def catalogue_markdown() -> str:
    lines = ["# Tag catalogue", "",
             "Generated from `graph/tags/catalogue.py` by `ckg tags docs docs/tags.md`; do not edit by hand.", "",
             "A family yields one tag, or one tag per value (`family:value`). Every `HAS_TAG` relationship "
             "carries `weight` in [0, 1], `confidence`, `computedAt`, `source` and `evidence`. "
             "Behavioural weights decay with a 90-day half-life: an event counts 0.5^(age/90 days), measured "
             "from the refresh's *as of* time (by default the newest order or event in the graph).", "",
             "Each family rests on a *basis*, the consent purpose it needs (docs/privacy.md): `registered` "
             "copies what the customer gave us and is always kept; `profiling` is inferred from behaviour and "
             "is dropped when the customer's latest profiling consent is false; `sensitive_inference` is "
             "held only while the latest sensitive_inference consent is true, and only admins read it.", ""]
    for title, dims in (("B2C customers", B2C_DIMENSIONS), ("B2B enterprises", B2B_DIMENSIONS)):
        lines += [f"## {title}", ""]
        for dim in dims:
            fams = [f for f in FAMILIES if f.dimension == dim]
            if not fams:
                continue
            lines += [f"### {dim}", "", "| family | expands over | derivation | weight | refresh | basis |",
                      "| --- | --- | --- | --- | --- | --- |"]
            for f in fams:
                lines.append(f"| `{f.name}` | {f.expands_over or '(one tag)'} | `{f.derivation}` | {f.weight_rule} | "
                             f"{f.refresh} | {BASIS_CELL[f.basis]} |")
            lines.append("")
            for f in fams:
                lines.append(f"- `{f.name}`: {f.description} Inputs: {', '.join(f.inputs)}.")
            lines.append("")
    return "\n".join(lines)
