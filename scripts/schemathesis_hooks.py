"""Schemathesis hooks (SCHEMATHESIS_HOOKS=schemathesis_hooks, with scripts/ on PYTHONPATH).

The API's one rule across parameters that OpenAPI 3.0 cannot state: a range given backwards
(year_from after year_to, min_score above max_score) is malformed (400 `inverted_range`). Cases
that break it are valid to the schema but not to the API, so they are put the right way round
rather than sent as "valid" data. RANGES must equal kms.params.RANGES (a test compares them;
this file runs in schemathesis's own virtualenv, where the project is not installed).
"""
import schemathesis

RANGES = (("year_from", "year_to"), ("min_score", "max_score"))


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _in_order(query):
    if not query:
        return query
    for low, high in RANGES:
        a, b = _number(query.get(low)), _number(query.get(high))
        if a is not None and b is not None and a > b:
            query[low], query[high] = query[high], query[low]
    return query


@schemathesis.hook
def map_query(ctx, query):
    """Generated cases (the fuzzing phase)."""
    return _in_order(query)


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """Every case as it is sent (the coverage phase builds its cases without map_query);
    only a case meant to be valid: a negative case keeps what makes it invalid."""
    if getattr(case, "meta", None) is None or "positive" in str(getattr(case.meta.generation, "mode", "")).lower():
        _in_order(case.query)
