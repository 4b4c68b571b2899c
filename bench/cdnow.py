"""CDNOW through the product path, against Fader, Hardie and Lee (2005).

    python -m bench cdnow

Converts the CDNOW sample from the Lifetimes wheel (``ckg convert cdnow``), loads it with
``ckg load``, fits BG/NBD with ``ckg tags refresh --only likely_to_buy_soon --as-of 1997-09-30``
(the paper's 39-week calibration period), reads the fitted (:Model) back from the graph and
compares the forecast of each customer's repeat purchases in the holdout (weeks 40-78) with what
they bought, in total and per number of repeat purchases in calibration (0..7+), as the paper does.
"""

from __future__ import annotations

import argparse
import shutil
from collections import defaultdict
from pathlib import Path

from bench.common import OUT, bench_server, run_cli, write_section
from ckg.graph.algorithms import bgnbd
from ckg.graph.maintenance import delete_all_data
from ckg.graph.queries import queries
from ckg.graph.settings import Settings
from ckg.loaders import cdnow

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "logLikelihood": -9582.4}
HOLDOUT_WEEKS = 39.0


def wheel() -> Path:
    found = sorted((Settings().home / "reference").glob("Lifetimes-*.whl"))
    if not found:
        raise SystemExit("the Lifetimes wheel is missing from .ckg/reference/: run `make setup`")
    return found[-1]


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(prog="python -m bench cdnow", description=__doc__).parse_args(argv)
    data = OUT / "cdnow"
    shutil.rmtree(data, ignore_errors=True)
    with bench_server(heap="1g", pagecache="512m") as server:
        with server.db() as db:
            delete_all_data(db)
        for args in (["convert", "cdnow", str(wheel()), "--out", str(data)], ["load", str(data)],
                     ["tags", "refresh", "--only", "likely_to_buy_soon", "--as-of", cdnow.CALIBRATION_END]):
            if run_cli(args, server.settings).returncode:
                raise SystemExit(f"`ckg {' '.join(args)}` failed")
        with server.db() as db:
            model = db.read(queries.algorithms.list_models, kind="bgnbd")[0]
            calibration = db.read(queries.algorithms.stream_purchase_histories, now=cdnow.CALIBRATION_END)
            holdout = {r["id"]: int(r["purchases"]) for r in
                       db.read(queries.evaluation.stream_holdout_purchases, **{"from": cdnow.CALIBRATION_END},
                               to=cdnow.HOLDOUT_END)}
    params = bgnbd.BgNbdParams(model["r"], model["alpha"], model["a"], model["b"])
    groups: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for r in calibration:
        x = int(r["x"])
        key = str(x) if x < 7 else "7+"
        predicted = bgnbd.expected_purchases(params, HOLDOUT_WEEKS, x, float(r["tx"]), float(r["T"]))
        for k in (key, "total"):
            groups[k][0] += 1
            groups[k][1] += predicted
            groups[k][2] += holdout.get(r["id"], 0)
    fit = ["| parameter | fitted in the graph | Fader, Hardie and Lee (2005) | difference |", "|---|---|---|---|"]
    for name, value in PUBLISHED.items():
        got = float(model[name])
        fit.append(f"| {name} | {got:.3f} | {value} | {100 * (got - value) / abs(value):+.2f}% |")
    table = ["| repeat purchases in weeks 1-39 | customers | predicted, weeks 40-78 | actual | "
             "predicted per customer | actual per customer |", "|---|---|---|---|---|---|"]
    for key in [*(str(i) for i in range(7)), "7+", "total"]:
        n, predicted, actual = groups[key]
        table.append(f"| {key} | {int(n)} | {predicted:.0f} | {actual:.0f} | {predicted / n:.2f} | "
                     f"{actual / n:.2f} |")
    body = (f"The CDNOW sample (Lifetimes wheel), `ckg convert cdnow`, `ckg load`, `ckg tags refresh --only "
            f"likely_to_buy_soon --as-of {cdnow.CALIBRATION_END}` (the paper's 39-week calibration); the "
            f"(:Model) node read back from the graph ({int(model['customers'])} customers, calibration end "
            f"{model['calibrationEnd']}).\n\n" + "\n".join(fit) + "\n\n"
            "Repeat purchases (distinct purchase days) in the 39-week holdout, forecast per customer from "
            "their calibration history by the fitted model (conditional expectation), against what they "
            "bought, by their number of repeat purchases in calibration:\n\n" + "\n".join(table) + "\n")
    write_section("CDNOW: BG/NBD through the product path", body, "python -m bench cdnow")
    print(body)


if __name__ == "__main__":
    main()
