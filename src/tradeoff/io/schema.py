"""`tradeoff schema`: the JSON Schema of a design file, for editors' YAML language servers."""

from __future__ import annotations

import json
from typing import Any

from tradeoff.model.design import Design


def design_schema() -> dict[str, Any]:
    schema = Design.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://tradeoff.dev/schema/design.json"
    schema["title"] = "tradeoff design"
    return schema


def design_schema_json() -> str:
    return json.dumps(design_schema(), indent=2, ensure_ascii=False) + "\n"
