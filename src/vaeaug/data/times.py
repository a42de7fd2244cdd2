"""Dates, times and durations as numbers a VAE can move: each a whole count of the coarsest unit
its column's values are whole in (days stay days), and back, as ISO strings (CSV cells) or as the
pandas dtype a frame's column had."""

from __future__ import annotations

import re

import numpy as np

#: Nanoseconds in each unit a time column is counted in, the coarsest first.
TIME_UNITS = {"D": 86_400 * 10**9, "h": 3_600 * 10**9, "min": 60 * 10**9, "s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
UNIT_NAMES = {"D": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds",
              "us": "microseconds", "ns": "nanoseconds"}

#: ISO 8601 dates and times as CSV files write them: the written unit from the form, and a time's
#: zone where it has one ("Z" or an offset, as loggers and web services write them).
ISO_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:([T ])(\d{2}:\d{2})(:\d{2}(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?")
ISO_UNITS = ("D", "m", "s", "ms", "us", "ns")
ZONE = re.compile(r"Z|[+-]\d{2}:?\d{2}")


def coarsest_unit(ns: np.ndarray) -> str:
    """The coarsest unit of :data:`TIME_UNITS` that every value (nanoseconds) is a whole count of."""
    return next(u for u, size in TIME_UNITS.items() if (ns % size == 0).all())


def offset_ns(zone: str | None) -> int:
    """A zone's offset east of UTC in nanoseconds: ``"Z"`` 0, ``"+01:00"`` (or ``"+0100"``) an hour."""
    if not zone or zone == "Z":
        return 0
    digits = zone[1:].replace(":", "")
    return (-1 if zone[0] == "-" else 1) * (int(digits[:2]) * 3600 + int(digits[2:]) * 60) * 10**9


def iso_ns(cell: str) -> int | None:
    """An ISO date or date and time as int64 nanoseconds since 1970 (a zoned time: its instant,
    counted in UTC), else None."""
    text = cell.strip()
    m = ISO_TIME.fullmatch(text)
    if not m:
        return None
    try:
        base = text[: m.start(6)] if m.group(6) else text
        return int(np.datetime64(base.replace(" ", "T"), "ns").astype(np.int64)) - offset_ns(m.group(6))
    except ValueError:  # 2021-02-30
        return None


def time_format(cells: list[str]) -> list[str] | None:
    """For a column of ISO dates/times: the coarsest unit every value is whole in, the finest
    unit any is written to, the separator, and for zoned times their zone (a 4th item: the one
    they share, or "Z" where offsets differ, as across a change to summer time); None where any
    cell is not such a time, or some are zoned and others not (instants beside wall-clock times)."""
    ns, written, sep, zones = [], 0, " ", set()
    for c in cells:
        m = ISO_TIME.fullmatch(c)
        v = iso_ns(c) if m else None
        if v is None:
            return None
        ns.append(v)
        zones.add(m.group(6))
        sep = m.group(2) or sep
        digits = len(m.group(5) or "")
        written = max(written, 0 if not m.group(2) else 1 if not m.group(4) else 2 + (digits + 2) // 3)
    if len(zones) > 1 and None in zones:
        return None
    zone = [] if zones == {None} else [zones.pop() if len(zones) == 1 else "Z"]
    return [coarsest_unit(np.array(ns, dtype=np.int64)), ISO_UNITS[min(written, len(ISO_UNITS) - 1)], sep, *zone]


def iso_strings(counts: np.ndarray, unit: str, written: str, sep: str, zone: str | None = None) -> list[str]:
    """Counts of ``unit`` as ISO strings written to ``written`` with ``sep``, and in ``zone`` where
    the column had one, as the column was."""
    times = (counts * TIME_UNITS[unit] + offset_ns(zone)).astype("datetime64[ns]")
    return [t.replace("T", sep) + (zone or "") for t in np.datetime_as_string(times, unit=written).tolist()]


def time_ns(col) -> tuple[np.ndarray, np.ndarray]:
    """A datetime (UTC for a zoned one) or timedelta column as int64 nanoseconds, and where it is missing."""
    import pandas as pd

    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_convert("UTC").dt.tz_localize(None)
    kind = "timedelta64[ns]" if pd.api.types.is_timedelta64_dtype(col.dtype) else "datetime64[ns]"
    return col.to_numpy(kind).view(np.int64), col.isna().to_numpy()


def from_time_numbers(values: np.ndarray, unit: str, dtype):
    """Counts of ``unit`` back to a column of ``dtype`` (datetime, zoned or not, or timedelta)."""
    import pandas as pd

    ns = values.astype(np.int64) * TIME_UNITS[unit]
    if pd.api.types.is_timedelta64_dtype(dtype):
        return pd.Series(pd.to_timedelta(ns, unit="ns")).astype(dtype)
    times = pd.Series(pd.to_datetime(ns, unit="ns"))
    if isinstance(dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_localize("UTC").dt.tz_convert(dtype.tz)
    return times.astype(dtype)
