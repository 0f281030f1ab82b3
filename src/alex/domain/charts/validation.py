"""Checks a ``charts_payload`` before it is stored or shown, whoever produced it.

Shape: ``{key: {"title", "type", "description", "data": [{"name", "value", "color"}, ...]}}``.
Line and area charts may carry several series: extra numeric fields on each data point, named
by an optional chart-level ``"series": [{"key", "name", "color"}]`` list (the retirement fan
chart uses this for its percentile bands).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final

CHART_TYPES: Final = frozenset({"pie", "bar", "donut", "horizontalBar", "line", "area"})
MULTI_SERIES_TYPES: Final = frozenset({"line", "area"})
REQUIRED_FIELDS: Final = ("title", "type", "description", "data")
POINT_FIELDS: Final = ("name", "value", "color")
_KEY: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
_HEX_COLOR: Final = re.compile(r"#[0-9A-Fa-f]{6}")


class ChartValidationError(ValueError):
    """The payload is malformed; ``problems`` lists every problem, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def validate_charts(payload: object) -> None:
    """Raise ``ChartValidationError`` listing every problem; return quietly when the payload is valid."""
    problems = chart_problems(payload)
    if problems:
        raise ChartValidationError(problems)


def chart_problems(payload: object) -> list[str]:
    """Every problem with the payload (empty when valid)."""
    if not isinstance(payload, Mapping):
        return ["the payload must be an object keyed by chart key"]
    problems: list[str] = []
    for key, chart in payload.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            problems.append(f"chart key {key!r} must be snake_case (a-z, 0-9, _), at most 64 characters")
        problems.extend(f"{key}: {problem}" for problem in _chart_problems(chart))
    return problems


def _chart_problems(chart: object) -> list[str]:
    if not isinstance(chart, Mapping):
        return ["must be an object"]
    problems = [f"missing {name!r}" for name in REQUIRED_FIELDS if name not in chart]
    chart_type = chart.get("type")
    multi = chart_type in MULTI_SERIES_TYPES
    allowed = {*REQUIRED_FIELDS, "series"} if multi else set(REQUIRED_FIELDS)
    problems.extend(f"unexpected field {name!r}" for name in chart if name not in allowed)
    if chart_type not in CHART_TYPES:
        problems.append(f"type {chart_type!r} must be one of {sorted(CHART_TYPES)}")
    for name in ("title", "description"):
        if name in chart and not isinstance(chart[name], str):
            problems.append(f"{name} must be text")
    if isinstance(chart.get("title"), str) and not chart["title"].strip():
        problems.append("title must not be empty")
    series_keys, series_problems = _series(chart.get("series")) if "series" in chart else (None, [])
    problems.extend(series_problems)
    data = chart.get("data")
    if "data" in chart and (not isinstance(data, Sequence) or isinstance(data, str) or not data):
        problems.append("data must be a non-empty list")
    elif isinstance(data, Sequence) and not isinstance(data, str):
        names: set[object] = set()
        for index, point in enumerate(data):
            problems.extend(
                f"data[{index}]: {p}" for p in _point_problems(point, multi=multi, series_keys=series_keys)
            )
            if isinstance(point, Mapping) and "name" in point:
                name = point["name"]
                if isinstance(name, str) and name in names:
                    problems.append(f"data[{index}]: duplicate name {name!r}")
                names.add(name)
    return problems


def _series(series: object) -> tuple[set[str], list[str]]:
    if not isinstance(series, Sequence) or isinstance(series, str):
        return set(), ["series must be a list"]
    keys: set[str] = set()
    problems: list[str] = []
    for index, entry in enumerate(series):
        if not isinstance(entry, Mapping) or set(entry) != {"key", "name", "color"}:
            problems.append(f"series[{index}] must have exactly key, name and color")
            continue
        key = entry["key"]
        if not isinstance(key, str) or key in keys or key in POINT_FIELDS:
            problems.append(f"series[{index}]: key {key!r} must be unique text other than name/value/color")
        else:
            keys.add(key)
        if not isinstance(entry["name"], str):
            problems.append(f"series[{index}]: name must be text")
        if not _is_color(entry["color"]):
            problems.append(f"series[{index}]: color {entry['color']!r} must be a #RRGGBB hex colour")
    return keys, problems


def _point_problems(point: object, *, multi: bool, series_keys: set[str] | None) -> list[str]:
    if not isinstance(point, Mapping):
        return ["must be an object"]
    problems = [f"missing {name!r}" for name in POINT_FIELDS if name not in point]
    name = point.get("name")
    if "name" in point and (not isinstance(name, str) or not name.strip()):
        problems.append("name must be non-empty text")
    if "value" in point and not _is_amount(point["value"]):
        problems.append(f"value {point['value']!r} must be a finite, non-negative number")
    if "color" in point and not _is_color(point["color"]):
        problems.append(f"color {point['color']!r} must be a #RRGGBB hex colour")
    for extra, value in point.items():
        if extra in POINT_FIELDS:
            continue
        if not multi:
            problems.append(f"unexpected field {extra!r}")
        elif series_keys is not None and extra not in series_keys:
            problems.append(f"field {extra!r} is not a declared series")
        elif not _is_amount(value):
            problems.append(f"{extra} {value!r} must be a finite, non-negative number")
    return problems


def _is_amount(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return math.isfinite(value) and value >= 0


def _is_color(value: object) -> bool:
    return isinstance(value, str) and _HEX_COLOR.fullmatch(value) is not None
