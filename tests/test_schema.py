"""`tradeoff schema` is a JSON Schema that accepts every bundled example and rejects broken ones."""

import copy
import json

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from tradeoff.cli import app
from tradeoff.examples import example_path, list_examples


@pytest.fixture(scope="module")
def schema():
    r = CliRunner().invoke(app, ["schema"])
    assert r.exit_code == 0
    s = json.loads(r.stdout)
    jsonschema.Draft202012Validator.check_schema(s)
    return s


@pytest.mark.parametrize("name", ["url-shortener", "news-feed", "chat"])
def test_schema_accepts_bundled_example(schema, name):
    assert name in list_examples()
    data = yaml.safe_load(example_path(name).read_text())
    jsonschema.Draft202012Validator(schema).validate(data)


def _example():
    return yaml.safe_load(example_path("url-shortener").read_text())


@pytest.mark.parametrize("breakage", [
    ("unknown top-level key", lambda d: d.update(requirementz={})),
    ("unknown component key", lambda d: d["architecture"]["components"][0].update(replicaz=2)),
    ("bad component kind", lambda d: d["architecture"]["components"][0].update(kind="databse")),
    ("replicas not an int", lambda d: d["architecture"]["components"][0].update(replicas="three")),
    ("name missing", lambda d: d.pop("name")),
    ("use cases not a list", lambda d: d["requirements"].update(use_cases="shorten")),
])
def test_schema_rejects_broken_design(schema, breakage):
    _, breaker = breakage
    data = copy.deepcopy(_example())
    breaker(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_output_file(tmp_path):
    out = tmp_path / "s.json"
    r = CliRunner().invoke(app, ["schema", "-o", str(out)])
    assert r.exit_code == 0
    assert json.loads(out.read_text())["title"] == "tradeoff design"
