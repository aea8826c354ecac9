"""Turn the dates news pages print into ISO 8601.

Pages declare dates as ISO strings mostly, but also as "November 19, 2019,
07:47 PM EST", "Tue Nov 19 2019 05:44:06 GMT+0000" or "20191119". This
reads those without a date library: the archive stores what the page said,
and an unreadable date is left out rather than guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

# The one month table: every reader and the country resolver take month names from here.
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    name: number
    for number, full in enumerate(MONTH_NAMES, start=1)
    for name in dict.fromkeys([full[:3], *(["sept"] if full == "september" else []), full])
}  # lower-case name or abbreviation -> month number
# A month as datelines and bylines write it ("Mar", "March", "Sept.", "MARCH"): its first three letters,
# then whatever follows; patterns add their own case rule.
MONTH_PREFIX = "(?:" + "|".join(name[:3] for name in MONTH_NAMES) + ")"
MONTH_WORD = MONTH_PREFIX + r"[a-z]*\.?"
# Zone abbreviations common on English-language news sites, in hours from UTC.
_ZONES = {
    "utc": 0, "gmt": 0, "z": 0, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "msk": 3,
    "ist": 5.5, "sgt": 8, "hkt": 8, "jst": 9, "aest": 10, "aedt": 11,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "et": -5,
}  # fmt: skip
# Years a news archive can hold: papers go back to the 1700s; a year past the next is no publication date.
MIN_YEAR = 1700
_YEAR = r"(?:1[7-9]|20)\d\d"
_YMD_RE = re.compile(rf"\b({_YEAR})[-/.](\d{{1,2}})[-/.](\d{{1,2}})\b")
_COMPACT_RE = re.compile(rf"^({_YEAR})(\d\d)(\d\d)(?:(\d\d)(\d\d)(\d\d)?)?$")
_TIME_RE = re.compile(r"\b(\d{1,2}):(\d\d)(?::(\d\d))?(?:\.\d+)?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_OFFSET_RE = re.compile(r"\s*(?:(?:GMT|UTC)\s*)?([+-])(\d\d):?(\d\d)\b|\s*\(?([A-Za-z]{1,4})\b")
_MONTH_RE = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\b", re.IGNORECASE)
_YEAR_RE = re.compile(rf"\b({_YEAR})\b")
_DAY_RE = re.compile(r"(?<![:\d])(\d{1,2})(?:st|nd|rd|th)?\b(?!:)")


def iso_date(value: str) -> str | None:
    """`value` as ISO 8601: a datetime (with its offset when the page gave one) or a date; None if unreadable."""
    text = " ".join(value.split())
    if not text:
        return None
    parsed = _from_iso(text) or _from_words(text)
    if parsed is None or not plausible_year(parsed.year):
        return None
    return parsed.isoformat()


def plausible_year(year: int) -> bool:
    """True for a year a story can have been published in: from MIN_YEAR to next year (no year 0, no 2999)."""
    return MIN_YEAR <= year <= date.today().year + 1


def _from_iso(text: str) -> datetime | date | None:
    if match := _COMPACT_RE.match(text):
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            if match.group(4):
                return datetime(year, month, day, hour, minute, second)
            return date(year, month, day)
        except ValueError:
            return None
    candidate = re.sub(r"(?<=\d)\s+(?=\d\d:)", "T", text, count=1)
    candidate = re.sub(r"\s*(?:Z|UTC|GMT)$", "+00:00", candidate)
    candidate = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", candidate)
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if "T" not in candidate and ":" not in candidate:
        return parsed.date()
    return parsed


def _from_words(text: str) -> datetime | date | None:
    """Dates with month names or slashes, and an optional time and zone."""
    if match := _YMD_RE.search(text):
        year, month, day = (int(g) for g in match.groups())
        rest = text[: match.start()] + " " + text[match.end() :]
    else:
        month_match, year_match = _MONTH_RE.search(text), _YEAR_RE.search(text)
        if not month_match or not year_match:
            return None
        month, year = MONTHS[month_match.group(1).lower()], int(year_match.group(1))
        rest = text.replace(year_match.group(0), " ", 1).replace(month_match.group(0), " ", 1)
        time_free = _TIME_RE.sub(" ", rest)
        day_match = _DAY_RE.search(time_free)
        if not day_match:
            return None
        day = int(day_match.group(1))
    try:
        day_only = date(year, month, day)
    except ValueError:
        return None
    time_match = _TIME_RE.search(rest)
    if not time_match:
        return day_only
    hour, minute, second = (int(g or 0) for g in time_match.groups()[:3])
    meridiem = (time_match.group(4) or "").replace(".", "").lower()
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return day_only
    return datetime(year, month, day, hour, minute, second, tzinfo=_zone(rest[time_match.end() :]))


def _zone(text: str) -> timezone | None:
    match = _OFFSET_RE.match(text)
    if not match:
        return None
    sign, hours, minutes, name = match.groups()
    if sign:
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        return timezone(-delta if sign == "-" else delta)
    offset = _ZONES.get((name or "").lower())
    return None if offset is None else timezone(timedelta(hours=offset))


_DATE_LINE_WORDS = frozenset(
    ("updated", "published", "posted", "last", "modified", "on", "at", "am", "pm", "a", "p", "m", "de", "del")
) | {*WEEKDAY_NAMES, *(day[:3] for day in WEEKDAY_NAMES)}


def is_date_line(text: str) -> bool:
    """True for a line that only states when something was published ("Updated Nov. 20, 2019 5:52 AM EST")."""
    if len(text) > 60 or not re.search(r"\d", text) or iso_date(text) is None:
        return False
    words = re.findall(r"[^\W\d_]+", text.lower())
    return all(w in _DATE_LINE_WORDS or w in MONTHS or w in _ZONES for w in words)
