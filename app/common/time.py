"""The one clock: naive UTC datetimes, as every timestamp column stores them."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (the columns are naive and always UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)
