"""What "now" may be: data dated more than a few minutes ahead of the server's clock is refused
(by loads and by the API), so one wrong timestamp cannot move every customer's time windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

#: How far ahead of the clock a timestamp may be (clock skew between systems).
FUTURE_TOLERANCE = timedelta(minutes=5)


def future_problem(stamp: datetime, now: datetime | None = None) -> str | None:
    """Why ``stamp`` may not be stored (it lies in the future), or None."""
    limit = (now or datetime.now(UTC)) + FUTURE_TOLERANCE
    if stamp > limit:
        return (f"timestamp {stamp.isoformat()} is in the future (more than "
                f"{int(FUTURE_TOLERANCE.total_seconds() // 60)} minutes after now)")
    return None
