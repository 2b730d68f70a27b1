"""Resolve date expressions against the publication date.

Conventions: a weekday points back in reports and forward in forecasts (a weekday equal to the
publication day is that day); "since <month>" is a range from the month's first day to the
publication date; a bare month is month precision, a bare year year precision.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

import dateparser

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_RELATIVE_DAY = re.compile(r"\b(ago|yesterday|today|tomorrow)\b")
_VAGUE = re.compile(
    r"\b(coming|recent|past|next few|last few|years|decades|long|later|earlier|soon|season)\b"
)


_DURATION = re.compile(
    r"(?:about |some |nearly |more than |over )?(?:\d+|a|an|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|several|a few|few) (?:day|week|month|year|hour)s?"
)


@dataclass(frozen=True)
class ResolvedDate:
    start: dt.date
    end: dt.date | None
    precision: str  # day | month | year | range
    text: str


_MONTH_DAY = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?")
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)\.?(?:,? (\d{4}))?")


def _month_day(low: str, published: dt.date | None, future: bool) -> dt.date | None:
    """'November 16', 'Nov. 16, 2025', '16 November': the commonest dates, read here as
    dateparser reads them (a missing year is the publication's, moved a year back or ahead
    when the day would otherwise fall on the wrong side of it), at a small part of its cost.
    None for any other shape, which goes to dateparser."""
    m = _MONTH_DAY.fullmatch(low)
    if m:
        month_word, day_s, year_s = m.groups()
    else:
        m = _DAY_MONTH.fullmatch(low)
        if not m:
            return None
        day_s, month_word, year_s = m.groups()
    month = _MONTHS.get(month_word)
    if month is None or (year_s is None and published is None):
        return None
    try:
        if year_s is not None:
            return dt.date(int(year_s), month, int(day_s))
        assert published is not None
        day = dt.date(published.year, month, int(day_s))
        if future and day <= published:  # noon of the day itself has passed
            day = day.replace(year=day.year + 1)
        elif not future and day > published:
            day = day.replace(year=day.year - 1)
        return day
    except ValueError:  # 31 June, 29 February in another year: dateparser decides
        return None


@functools.lru_cache(maxsize=8192)
def _parsed_day(low: str, base_day: dt.date, future: bool) -> dt.date | None:
    """dateparser's reading of a phrase, once per phrase and day: an article repeats its date
    phrases for every event they date, and dateparser is the costliest step of resolving one."""
    parsed = dateparser.parse(
        low,
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime.combine(base_day, dt.time(12)),
            "PREFER_DATES_FROM": "future" if future else "past",
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": [] if _RELATIVE_DAY.search(low) else ["day", "month"],
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return parsed.date() if parsed is not None else None


def resolve_date(text: str, published: dt.date | None, *, future: bool) -> ResolvedDate | None:
    """Resolve a DATE expression as written; None when it names no definite time."""
    raw = text.strip()
    low = raw.lower().strip(" ,.")
    low = re.sub(
        r"^(on|in|by|from|during|this|last|as of)\s+",
        lambda m: m.group(0) if m.group(1) in ("last", "this") else "",
        low,
    )
    coming = re.fullmatch(r"(next|this|later this|early next|late next) (week|month|year)", low)
    if coming and published:
        unit, step = coming.group(2), 0 if "this" in coming.group(1) else 1
        if unit == "month":
            month0 = published.month - 1 + step
            start = dt.date(published.year + month0 // 12, month0 % 12 + 1, 1)
            return ResolvedDate(start, None, "month", raw)
        if unit == "year":
            return ResolvedDate(dt.date(published.year + step, 1, 1), None, "year", raw)
        start = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=step)
        return ResolvedDate(start, start + dt.timedelta(days=6), "range", raw)

    span = re.fullmatch(r"(last|past) (week|month)", low)
    if span and published:
        if span.group(2) == "week":
            start = published - dt.timedelta(days=published.weekday() + 7)
            return ResolvedDate(start, start + dt.timedelta(days=6), "range", raw)
        last_of_prev = published.replace(day=1) - dt.timedelta(days=1)
        return ResolvedDate(last_of_prev.replace(day=1), last_of_prev, "range", raw)

    this = re.fullmatch(r"(?:earlier|later|late|early) this (month|year)", low)
    if this and published:  # "earlier this month": the publication's month
        if this.group(1) == "month":
            return ResolvedDate(published.replace(day=1), None, "month", raw)
        return ResolvedDate(dt.date(published.year, 1, 1), None, "year", raw)

    if _VAGUE.search(low):
        return None

    since = re.match(r"^(since|from)\s+(.+)$", low)
    if since and published:
        inner = resolve_date(since.group(2), published, future=False)
        if inner:
            return ResolvedDate(inner.start, published, "range", raw)
        return None

    # Weekdays: "Monday", "on Monday", "last Monday", "next Monday".
    wd = re.fullmatch(
        r"(last |next |this )?(monday|tuesday|wednesday|thursday|friday|saturday|"
        r"sunday)( (morning|afternoon|evening|night))?",
        low,
    )
    if wd and published:
        target = _WEEKDAYS[wd.group(2)]
        pub_wd = published.weekday()
        forward = future or (wd.group(1) or "").strip() == "next"
        if (wd.group(1) or "").strip() == "last":
            forward = False
        delta = (target - pub_wd) % 7 if forward else -((pub_wd - target) % 7)
        return ResolvedDate(published + dt.timedelta(days=delta), None, "day", raw)

    # A month alone, possibly with a year: month precision.
    mon = re.fullmatch(r"(?:early |mid-|mid |late )?([a-z]+)\.?(?:,? (\d{4}))?", low)
    if mon and mon.group(1) in _MONTHS:
        month = _MONTHS[mon.group(1)]
        if mon.group(2):
            year = int(mon.group(2))
        elif published:
            year = published.year
            if not future and month > published.month:
                year -= 1
            if future and month < published.month:
                year += 1
        else:
            return None
        return ResolvedDate(dt.date(year, month, 1), None, "month", raw)

    if re.fullmatch(r"(in )?(\d{4})", low):
        year = int(low[-4:])
        return ResolvedDate(dt.date(year, 1, 1), None, "year", raw)

    if _DURATION.fullmatch(low):
        return None  # "four days of talks": how long, not when
    if published is None and not re.search(r"\d{4}", low):
        return None
    day = _month_day(low, published, future) or _parsed_day(
        low, published or dt.date.today(), future
    )
    if day is None:
        return None
    if published and not re.search(r"\d{4}", low) and not _RELATIVE_DAY.search(low):
        # A month and day without a year is the nearest such day to publication: "a ceasefire
        # starting on November 1" in a report of October 27 is days ahead, not a year back.
        for shift in (-1, 1):
            try:
                other = day.replace(year=day.year + shift)
            except ValueError:  # 29 February
                continue
            if abs((other - published).days) < abs((day - published).days) - 180:
                day = other
    return ResolvedDate(day, None, "day", raw)
