"""Completeness of one record: rules read from data/completeness.toml, a score 0-100, and
what is missing or weak, field by field, in Indonesian. Pure functions over a record dict."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.reference import DATA_DIR
from kms.schema import FIELD_LABELS
from indexer.regions import gazetteer

RULES_FILE = DATA_DIR / "completeness.toml"
TESTS = ("present", "words", "region", "url", "year", "sdgs", "choice")
LEVELS = ("required", "recommended")
WEAK_SHARE = 0.5   # a narrative present but too short earns half its weight
_URL = re.compile(r"^https?://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?(/\S*)?$",
                  re.IGNORECASE)


def valid_url(value) -> bool:
    """An http(s) address with a real host name: the one rule the edit form and the
    completeness check share."""
    return bool(_URL.match(str(value).strip()))


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the rule and the key."""


@dataclass(frozen=True)
class Rule:
    field: str
    level: str
    weight: float
    test: str
    params: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    stale_months: int = 12
    threshold: float = 80

    @property
    def total_weight(self) -> float:
        return sum(rule.weight for rule in self.rules)

    @property
    def fingerprint(self) -> str:
        """Names these rules (a stored score made by other rules is not used)."""
        text = repr([(r.field, r.level, r.weight, r.test, sorted(r.params.items(), key=str)) for r in self.rules])
        return hashlib.sha1(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Gap:
    field: str
    label: str
    level: str
    status: str      # missing | weak | invalid
    reason: str

    def as_json(self) -> dict:
        return {"field": self.field, "label": self.label, "level": self.level,
                "status": self.status, "reason": self.reason}


@dataclass(frozen=True)
class Completeness:
    score: int
    gaps: tuple[Gap, ...]
    stale: bool

    def missing_fields(self) -> set[str]:
        return {gap.field for gap in self.gaps}


def load_rules(path: Path = RULES_FILE) -> Rules:
    """Read and check a rules file; raises RulesError naming what is wrong."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{path}: {exc}") from None
    rules = []
    for number, raw in enumerate(data.get("rule", []), start=1):
        where = f"{path}: rule {number} ({raw.get('field', '?')})"
        raw = dict(raw)
        name, level, test = raw.pop("field", None), raw.pop("level", "required"), raw.pop("test", "present")
        weight = raw.pop("weight", None)
        if not name or (name not in FIELD_LABELS):
            raise RulesError(f"{where}: unknown field '{name}'")
        if level not in LEVELS:
            raise RulesError(f"{where}: level must be one of {', '.join(LEVELS)}")
        if test not in TESTS:
            raise RulesError(f"{where}: test must be one of {', '.join(TESTS)}")
        if not isinstance(weight, (int, float)) or weight < 0:
            raise RulesError(f"{where}: weight must be a number >= 0")
        if test == "words" and not isinstance(raw.get("min_words"), int):
            raise RulesError(f"{where}: test 'words' needs an integer min_words")
        if test == "choice" and not raw.get("values"):
            raise RulesError(f"{where}: test 'choice' needs values")
        rules.append(Rule(name, level, float(weight), test, raw))
    if not rules:
        raise RulesError(f"{path}: no [[rule]] entries")
    return Rules(tuple(rules), int(data.get("stale_months", 12)), float(data.get("threshold", 80)))


@lru_cache(maxsize=4)
def default_rules(path: str = str(RULES_FILE)) -> Rules:
    return load_rules(Path(path))


def _present(value) -> bool:
    return value not in (None, "", [], "unknown")


def check_field(rule: Rule, record: dict, today: dt.date) -> tuple[float, Gap | None]:
    """Share of the rule's weight the record earns (0..1) and the gap, if any."""
    value = _region_code(record) if rule.field == "region" else record.get(rule.field)

    def gap(status, reason):
        return Gap(rule.field, rule.label, rule.level, status, reason)

    if not _present(value):
        return 0.0, gap("missing", "belum diisi")
    if rule.test == "words":
        count = len(str(value).split())
        minimum = rule.params["min_words"]
        if count < minimum:
            return WEAK_SHARE, gap("weak", f"terlalu singkat: {count} dari minimal {minimum} kata")
    elif rule.test == "region":
        if str(value) not in gazetteer().by_code:
            return 0.0, gap("invalid", f"kode wilayah {value} tidak dikenal")
    elif rule.test == "url":
        if not valid_url(value):
            return 0.0, gap("invalid", "tautan tidak valid (harus http:// atau https:// dengan nama host)")
    elif rule.test == "year":
        low = int(rule.params.get("min", 1900))
        high = rule.params.get("max", "now")
        high = today.year if high == "now" else int(high)
        try:
            year = int(value)
        except (TypeError, ValueError):
            return 0.0, gap("invalid", f"'{value}' bukan tahun")
        if not low <= year <= high:
            return 0.0, gap("invalid", f"tahun {year} di luar rentang {low}-{high}")
    elif rule.test == "sdgs":
        valid = [v for v in value if str(v).isdigit() and 1 <= int(v) <= 17]
        minimum = int(rule.params.get("min", 1))
        if len(valid) < minimum:
            return 0.0, gap("missing", f"minimal {minimum} SDG")
    elif rule.test == "choice":
        if value not in rule.params["values"]:
            return 0.0, gap("invalid", f"'{value}' bukan salah satu dari {', '.join(rule.params['values'])}")
    return 1.0, None


def _region_code(record: dict):
    return record.get("regency_code") or record.get("province_code")


def check_record(record: dict, rules: Rules, today: dt.date | None = None,
                 stale_months: int | None = None) -> Completeness:
    """Score 0-100, the gaps (required first, then by weight) and whether the record is stale."""
    today = today or dt.date.today()
    earned = 0.0
    gaps = []
    for rule in rules.rules:
        share, gap = check_field(rule, record, today)
        earned += share * rule.weight
        if gap:
            gaps.append((rule.level != "required", -rule.weight, gap))
    total = rules.total_weight
    score = round(100 * earned / total) if total else 100
    months = rules.stale_months if stale_months is None else stale_months
    return Completeness(score, tuple(g for *_, g in sorted(gaps, key=lambda t: t[:2])),
                        is_stale(record.get("updated_at"), months, today))


def stale_cutoff(months: int, today: dt.date) -> dt.date:
    """The date `months` months before `today` (the day clamped to the month's length): a
    record last updated before it is stale."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
                          31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month])
    return dt.date(year, month + 1, day)


def is_stale(updated_at: str | None, months: int, today: dt.date) -> bool:
    """True when the record was last updated more than `months` months before `today`
    (a record with no update date is stale)."""
    if not updated_at:
        return True
    try:
        updated = dt.date.fromisoformat(str(updated_at)[:10])
    except ValueError:
        return True
    return updated < stale_cutoff(months, today)
