"""Field types for the design model: quantities parsed at the edge, ids, references."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, PlainValidator, WithJsonSchema

from tradeoff.model import quantity as q

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


def _id(value: Any) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise q.QuantityError(
            f"{value!r} is not a valid id",
            "ids start with a letter and use letters, digits, '-', '_' or '.', e.g. url-service",
        )
    return value


def _quantity_schema(description: str, pattern: str | None = None) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string"}
    if pattern:
        text["pattern"] = pattern
    return {"anyOf": [{"type": "number"}, text], "description": description}


_NUM = r"\s*[-+]?(\d[\d,_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*"

Id = Annotated[str, PlainValidator(_id), WithJsonSchema({"type": "string", "pattern": _ID_RE.pattern})]
#: a reference to an id elsewhere in the design; resolved by tradeoff.model.refs
Ref = Id

Count = Annotated[
    float,
    PlainValidator(q.parse_count),
    WithJsonSchema(_quantity_schema("a count such as 100M, 1.2 billion or 10K", rf"^{_NUM}[A-Za-z]*\s*$")),
]
Bytes = Annotated[
    float,
    PlainValidator(q.parse_bytes),
    WithJsonSchema(_quantity_schema("a size such as 1.5 KB (decimal) or 2 MiB (binary)", rf"^{_NUM}[A-Za-z]+\s*$")),
]
DataRate = Annotated[
    float,
    PlainValidator(q.parse_data_rate),
    WithJsonSchema(_quantity_schema("a data rate such as 10 Gbps or 1.25 GB/s")),
]
Duration = Annotated[
    q.Duration,
    PlainValidator(q.parse_duration),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_quantity_schema("a duration such as 50 ms, 30 days or 5 years", rf"^{_NUM}[A-Za-zµμ]+\s*$")),
]
Rate = Annotated[
    q.Rate,
    PlainValidator(q.parse_rate),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_quantity_schema("a rate such as 10/day, 100M/month, 5K/s or 50K qps")),
]
Fraction = Annotated[
    float,
    PlainValidator(q.parse_fraction),
    WithJsonSchema(_quantity_schema("a percentage such as 20% or 99.99%, or a fraction in [0, 1]")),
]


def _multiplier(value: Any) -> float:
    """`3x`, `3`, `2.5×` -> a positive factor."""
    if isinstance(value, bool):
        raise q.QuantityError("expected a multiplier, got a boolean", "write a factor such as 3x")
    if isinstance(value, (int, float)):
        x = float(value)
    elif isinstance(value, str) and (m := re.match(rf"^({_NUM})[x×]?\s*$", value.strip(), re.IGNORECASE)):
        x = float(m.group(1).replace(",", "").replace("_", ""))
    else:
        raise q.QuantityError(f"cannot read {value!r} as a multiplier", "write a factor such as 3x or 2.5")
    if not x > 0:
        raise q.QuantityError(f"multiplier {value!r} must be positive", "write a factor such as 3x")
    return x


def _ratio(value: Any) -> float:
    """`100:1` -> 100.0 (reads per write); `1:4` -> 0.25; a bare number stays."""
    if isinstance(value, bool):
        raise q.QuantityError("expected a ratio, got a boolean", "write a ratio such as 100:1")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and (m := re.match(rf"^({_NUM}):({_NUM})$", value.strip())):
        a, b = (float(g.replace(",", "")) for g in (m.group(1), m.group(5)))
        if b == 0:
            raise q.QuantityError(f"ratio {value!r} divides by zero", "write a ratio such as 100:1")
        return a / b
    raise q.QuantityError(f"cannot read {value!r} as a ratio", "write reads:writes, e.g. 100:1")


Multiplier = Annotated[
    float,
    PlainValidator(_multiplier),
    WithJsonSchema(_quantity_schema("a factor such as 3x or 2.5")),
]
Ratio = Annotated[
    float,
    PlainValidator(_ratio),
    WithJsonSchema(_quantity_schema("a ratio such as 100:1 (reads:writes)")),
]


def _text(value: Any) -> Any:
    # YAML turns `yes`, `1.0`, dates into other types; a prose field takes them as written.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_text)]
