"""Bad input of every kind, checked without a database (``ckg validate``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ckg.graph.clock import FUTURE_TOLERANCE
from ckg.graph.errors import InputError
from ckg.loaders import readers
from ckg.loaders.errors import RowError, shorten
from ckg.loaders.format import HEADERS
from ckg.loaders.load import LoadReport, validate_dataset
from ckg.loaders.rows import not_in_future
from ckg.loaders.spec import SPECS
from tests.dataset_builder import GOOD, build, customer, open_quote, write_csv


def only_error(report: LoadReport) -> RowError:
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    return report.errors[0]


def test_clean_dataset_validates(tmp_path: Path) -> None:
    report = validate_dataset(build(tmp_path))
    assert report.ok, [str(e) for e in report.errors + report.file_errors]
    assert report.files["customers.csv"].loaded == 2


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"birthYear": "nineteen"}, "birthYear", "valid integer"),
        ({"country": ""}, "country", "empty required value"),
        ({"registeredAt": "2025-13-01T00:00:00Z"}, "registeredAt", "datetime"),
        ({"registeredAt": "2025-01-01T00:00:00"}, "registeredAt", "timezone"),
        ({"country": "XX"}, "country", "unknown country code"),
        ({"country": "us"}, "country", "unknown country code"),
        ({"gender": "female"}, "gender", "'F', 'M' or 'U'"),
    ],
)
def test_bad_customer_field_is_reported_with_line_and_field(
    tmp_path: Path, changes: dict[str, str], field: str, reason: str
) -> None:
    report = validate_dataset(build(tmp_path, {"customers.csv": [customer("c9", **changes)]}))
    err = only_error(report)
    assert (err.file, err.line, err.field) == ("customers.csv", 4, field)
    assert reason in err.reason
    assert report.files["customers.csv"].loaded == 2  # the good rows still count


def test_negative_price_and_quantity_rejected(tmp_path: Path) -> None:
    report = validate_dataset(build(tmp_path, {
        "products.csv": [["sku-2", "Bad", "cat-2", "", "-1", "USD", "U"]],
        "order_items.csv": [["o1", "sku-9", "0", "1.00"]],
    }))
    fields = {(e.file, e.field) for e in report.errors}
    assert ("products.csv", "price") in fields
    assert ("order_items.csv", "quantity") in fields


def test_unknown_currency_rejected(tmp_path: Path) -> None:
    report = validate_dataset(build(tmp_path, {"products.csv": [["sku-2", "X", "cat-2", "", "1", "usd", "U"]]}))
    err = only_error(report)
    assert err.field == "currency" and "unknown currency code" in err.reason


def test_missing_required_column_rejects_the_file(tmp_path: Path) -> None:
    build(tmp_path)
    header = [h for h in HEADERS["customers.csv"] if h != "country"]
    write_csv(tmp_path / "customers.csv", header, [r[:6] + r[7:] for r in GOOD["customers.csv"]])
    report = validate_dataset(tmp_path)
    assert not report.ok
    assert report.file_errors[0].file == "customers.csv"
    assert "missing required column(s): country" in report.file_errors[0].reason
    assert report.files["channels.csv"].loaded == 1  # other files still validate


def test_unknown_column_is_a_warning_not_an_error(tmp_path: Path) -> None:
    build(tmp_path)
    write_csv(tmp_path / "channels.csv", [*HEADERS["channels.csv"], "colour"],
              [["organic", "Organic", "organic", "blue"]])
    report = validate_dataset(tmp_path)
    assert report.ok
    assert any("unknown column(s) ignored: colour" in w for w in report.warnings)


def test_duplicate_id_in_file_keeps_first(tmp_path: Path) -> None:
    report = validate_dataset(build(tmp_path, {"customers.csv": [customer("c1", name="Impostor")]}))
    err = only_error(report)
    assert err.field == "customerId" and "duplicate id" in err.reason and err.line == 4


def test_dangling_reference_rejected(tmp_path: Path) -> None:
    report = validate_dataset(build(tmp_path, {"order_items.csv": [["o-missing", "sku-1", "1", "1.00"]]}))
    err = only_error(report)
    assert err.field == "orderId" and "missing entity" in err.reason


def test_order_needs_exactly_one_buyer(tmp_path: Path) -> None:
    report = validate_dataset(build(tmp_path, {"orders.csv": [
        ["o2", "", "", "2025-03-01T12:00:00Z", "1", "USD", "1", "", "delivered", "", "false", ""]]}))
    assert "exactly one of customerId and enterpriseId" in only_error(report).reason


def test_invalid_utf8_rejects_only_that_row(tmp_path: Path) -> None:
    build(tmp_path)
    path = tmp_path / "customers.csv"
    path.write_bytes(path.read_bytes() + b"c3,Bad \xff\xfe Name,c3@x.com,+1,F,1990,US,NY,en,"
                     b"2025-01-01T00:00:00Z,mobile,dev-3,x,organic\n")
    report = validate_dataset(tmp_path)
    err = only_error(report)
    assert (err.line, err.field, err.reason) == (4, "name", "invalid UTF-8 in this field")
    assert report.files["customers.csv"].loaded == 2


def test_bom_crlf_and_quoted_newlines_are_read(tmp_path: Path) -> None:
    build(tmp_path)
    write_csv(tmp_path / "customers.csv", HEADERS["customers.csv"],
              [customer("c1", name="Line one\r\nline two"), customer("c2")], newline="\r\n", bom=True)
    report = validate_dataset(tmp_path)
    assert report.ok, [str(e) for e in report.errors]
    assert report.files["customers.csv"].loaded == 2


def test_line_numbers_count_quoted_newlines(tmp_path: Path) -> None:
    write_csv(tmp_path / "channels.csv", HEADERS["channels.csv"],
              [["a", "two\nlines", "organic"], ["b", "B", "nonsense"]])
    report = validate_dataset(tmp_path)
    assert only_error(report).line == 4


def test_field_over_one_megabyte_rejected(tmp_path: Path) -> None:
    report = validate_dataset(build(tmp_path, {"customers.csv": [customer("c3", name="x" * 1_000_001)]}))
    err = only_error(report)
    assert err.field == "name" and err.reason == "field over 1 MB"
    assert len(err.value) < 200  # the report stays readable


def test_wrong_field_count_rejected(tmp_path: Path) -> None:
    build(tmp_path)
    path = tmp_path / "channels.csv"
    path.write_text(path.read_text() + "x,y\n")
    assert "expected 3 fields, found 2" in only_error(validate_dataset(tmp_path)).reason


def test_empty_file_is_a_file_error(tmp_path: Path) -> None:
    build(tmp_path)
    (tmp_path / "channels.csv").write_bytes(b"")
    report = validate_dataset(tmp_path)
    assert report.file_errors[0].reason == "empty file: no header row"
    assert not report.ok


def test_missing_file_is_noted_and_others_load(tmp_path: Path) -> None:
    build(tmp_path, files=["channels.csv", "customers.csv"])
    report = validate_dataset(tmp_path)
    assert report.ok
    assert report.files["orders.csv"].skipped == "not in dataset"


def test_directory_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        validate_dataset(tmp_path / "nope")


def test_directory_without_input_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(InputError, match="none of the input files"):
        validate_dataset(tmp_path)


def test_bad_json_event_lines(tmp_path: Path) -> None:
    build(tmp_path)
    lines = [
        json.dumps({"eventId": "e1", "customerId": "c1", "type": "view", "at": "2025-05-01T10:00:00Z",
                    "sku": "sku-1"}),
        "{not json",
        json.dumps({"eventId": "e2", "customerId": "c1", "type": "search", "at": "2025-05-01T10:00:00Z"}),
        json.dumps(["a list"]),
    ]
    (tmp_path / "events.jsonl").write_text("\n".join(lines) + "\n")
    report = validate_dataset(tmp_path)
    reasons = {e.line: e.reason for e in report.errors}
    assert reasons[2].startswith("invalid JSON")
    assert "needs a query" in reasons[3]
    assert reasons[4] == "expected a JSON object"
    assert report.files["events.jsonl"].loaded == 1


def test_max_rejects_stops_early(tmp_path: Path) -> None:
    bad = [customer(f"b{i}", country="ZZ") for i in range(50)]
    report = validate_dataset(build(tmp_path, {"customers.csv": bad}), max_rejects=5)
    assert report.stopped_early
    assert report.rejected == 6
    assert report.files.get("orders.csv") is None or report.files["orders.csv"].loaded == 0


def test_quarantine_holds_rejected_rows_verbatim(tmp_path: Path) -> None:
    data = build(tmp_path / "d", {"customers.csv": [customer("c9", country="XX", name="Zoë \u202e")]})
    qpath = tmp_path / "q.jsonl"
    validate_dataset(data, quarantine=qpath)
    record = json.loads(qpath.read_text().splitlines()[0])
    assert record["file"] == "customers.csv" and record["line"] == 4 and record["field"] == "country"
    assert record["raw"]["name"] == "Zoë \u202e"


# ---------------------------------------------------------------- unclosed quotes


def many_customers(last: int, *, commas: bool) -> list[list[str]]:
    """Customers c3..c<last>; with ``commas`` every third name holds a comma, so it is quoted."""
    return [customer(f"c{i}", name=f"Lee, Ben {i}" if commas and i % 3 == 0 else f"Ana {i}")
            for i in range(3, last + 1)]


@pytest.mark.parametrize("commas", [False, True], ids=["no-other-quotes", "quoted-fields-after"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("line", [21, 41], ids=["middle", "last"])
def test_unclosed_quote_rejects_that_line_and_reading_goes_on(
    tmp_path: Path, commas: bool, newline: str, line: int
) -> None:
    build(tmp_path)
    write_csv(tmp_path / "customers.csv", HEADERS["customers.csv"],
              GOOD["customers.csv"] + many_customers(40, commas=commas), newline=newline)
    write_csv(tmp_path / "orders.csv", HEADERS["orders.csv"], GOOD["orders.csv"] + [
        ["o2", "c38", "", "2025-03-01T12:00:00Z", "1", "USD", "1", "", "paid", "", "false", ""]])
    broken = open_quote(tmp_path / "customers.csv", line)  # line 21 is c20, line 41 is c40
    report = validate_dataset(tmp_path)
    err = only_error(report)
    assert (err.file, err.line, err.field, err.reason) == ("customers.csv", line, "", "unclosed quote")
    assert err.value == shorten(broken)
    stats = report.files["customers.csv"]
    assert (stats.read, stats.loaded, stats.rejected) == (40, 39, 1)  # every line accounted for
    assert report.files["orders.csv"].loaded == 2  # rows naming later customers still load


def test_unclosed_quote_is_given_up_after_the_look_ahead_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "LOOKAHEAD_LINES", 3)
    body = 'a,"never closed,organic\n' + "fragment\n" * 5 + "b,B,organic\n"
    (tmp_path / "channels.csv").write_text("channelId,name,kind\n" + body)
    report = validate_dataset(tmp_path)
    reasons = [(e.line, e.reason) for e in report.errors]
    assert reasons == [(2, "unclosed quote")] + [(n, "expected 3 fields, found 1") for n in range(3, 8)]
    assert report.files["channels.csv"].read == 7 and report.files["channels.csv"].loaded == 1


def test_quoted_fields_spanning_lines_are_still_one_record(tmp_path: Path) -> None:
    rows = [
        ["a", "para one\n\npara three, with, commas, and a \"quote\"", "organic"],
        ["b", "x", "nonsense"],  # line 5: after the three lines of "a"
        ["c", "ends with a newline\n", "ads"],
        ["d", 'one,two,three\n"four",five\nsix', "email"],
    ]
    write_csv(tmp_path / "channels.csv", HEADERS["channels.csv"], rows, newline="\r\n")
    report = validate_dataset(tmp_path)
    assert only_error(report).line == 5
    stats = report.files["channels.csv"]
    assert (stats.read, stats.loaded) == (4, 3)


def test_quarantine_keeps_the_text_of_an_unclosed_quote(tmp_path: Path) -> None:
    data = build(tmp_path / "d")
    broken = open_quote(data / "customers.csv", 2)
    qpath = tmp_path / "q.jsonl"
    validate_dataset(data, quarantine=qpath)
    record = json.loads(qpath.read_text().splitlines()[0])
    assert (record["file"], record["line"], record["reason"]) == ("customers.csv", 2, "unclosed quote")
    assert record["value"] == broken


def test_quarantine_raw_of_an_unreadable_row_is_its_text(tmp_path: Path) -> None:
    data = build(tmp_path / "d")
    broken = open_quote(data / "customers.csv", 2)
    qpath = tmp_path / "q.jsonl"
    validate_dataset(data, quarantine=qpath)
    assert json.loads(qpath.read_text().splitlines()[0])["raw"] == broken


# ---------------------------------------------------------------- timestamps in the future

PAST = "2025-01-02T10:00:00Z"
#: A valid row of every file with a timestamp.
SAMPLES: dict[str, dict[str, Any]] = {
    "customers.csv": dict(zip(HEADERS["customers.csv"], GOOD["customers.csv"][0], strict=True)),
    "orders.csv": dict(zip(HEADERS["orders.csv"], GOOD["orders.csv"][0], strict=True)),
    "consents.csv": {"consentId": "k1", "customerId": "c1", "purpose": "marketing", "granted": "true",
                     "at": PAST},
    "reviews.csv": {"reviewId": "r1", "customerId": "c1", "sku": "sku-1", "rating": "5", "text": "",
                    "at": PAST},
    "shares.csv": {"shareId": "s1", "customerId": "c1", "sku": "sku-1", "platform": "whatsapp", "at": PAST},
    "referrals.csv": {"referrerId": "c1", "refereeId": "c2", "at": PAST},
    "inquiries.csv": {"inquiryId": "i1", "enterpriseId": "e1", "contactId": "", "sku": "sku-1",
                      "quantity": "10", "targetPrice": "", "currency": "USD", "status": "open", "at": PAST},
    "events.jsonl": {"eventId": "e1", "customerId": "c1", "type": "view", "at": PAST, "sku": "sku-1"},
}


def timestamp_fields() -> list[tuple[str, str]]:
    """Every (file, field) whose row model holds a date-time, found from the models themselves."""
    found = []
    for name, spec in SPECS.items():
        for field, schema in spec.model.model_json_schema()["properties"].items():
            if "date-time" in json.dumps(schema):
                found.append((name, field))
    return found


def test_timestamp_fields_are_found() -> None:
    assert set(timestamp_fields()) == {
        ("customers.csv", "registeredAt"), ("consents.csv", "at"), ("orders.csv", "placedAt"),
        ("reviews.csv", "at"), ("shares.csv", "at"), ("referrals.csv", "at"), ("inquiries.csv", "at"),
        ("events.jsonl", "at"),
    }


@pytest.mark.parametrize(("file", "field"), timestamp_fields())
def test_every_timestamp_in_the_future_is_a_row_error(file: str, field: str) -> None:
    model = SPECS[file].model
    model.model_validate(SAMPLES[file])  # the sample itself is valid
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**SAMPLES[file], field: "2099-01-01T00:00:00Z"})
    first = caught.value.errors()[0]
    assert first["loc"] == (field,)
    assert first["msg"] == ("Value error, timestamp 2099-01-01T00:00:00+00:00 is in the future "
                            "(more than 5 minutes after now)")


def test_future_tolerance_is_five_minutes_of_the_clock() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    just_in = datetime.fromisoformat("2026-01-01T02:05:00+02:00")  # 00:05 UTC
    assert not_in_future(just_in, now=now) == just_in
    with pytest.raises(ValueError, match="in the future"):
        not_in_future(datetime.fromisoformat("2026-01-01T02:05:01+02:00"), now=now)
    assert now + FUTURE_TOLERANCE == datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
    # the default is the machine's clock: a minute ahead passes, six minutes do not, in any zone
    ahead = datetime.now(UTC).replace(microsecond=0) + FUTURE_TOLERANCE / 5
    assert not_in_future(ahead) == ahead
    not_in_future(datetime(2001, 1, 1, tzinfo=UTC))  # a past date, checked by its date alone
    west = timezone(-timedelta(hours=23, minutes=59))  # local dates a day behind UTC
    for zone in (UTC, west, timezone(timedelta(hours=14))):
        late = (datetime.now(UTC) + timedelta(minutes=6)).astimezone(zone)
        with pytest.raises(ValueError, match="in the future"):
            not_in_future(late)


def test_future_order_is_rejected_with_its_field(tmp_path: Path) -> None:
    report = validate_dataset(build(tmp_path, {"orders.csv": [
        ["o2", "c2", "", "2099-01-01T00:00:00Z", "1", "USD", "1", "", "paid", "", "false", ""]]}))
    err = only_error(report)
    assert (err.file, err.line, err.field, err.value) == ("orders.csv", 3, "placedAt", "2099-01-01T00:00:00Z")
    assert err.reason == "timestamp 2099-01-01T00:00:00+00:00 is in the future (more than 5 minutes after now)"
    assert report.files["orders.csv"].loaded == 1
