"""The rule set as a whole: every rule documented and tested, every playbook item covered."""

from __future__ import annotations

import re
from pathlib import Path

from tradeoff.knowledge.options import knowledge_base
from tradeoff.model.design import DEEP_DIVE_TOPICS
from tradeoff.review import load_rules
from tradeoff.review.engine import FAMILIES
from tradeoff.review.presence import ITEMS

HERE = Path(__file__).parent
RISK_IDS = {r.id for o in knowledge_base().options for r in o.risks}

#: the playbook's sub-items per deep-dive topic (seed file, "Deep dives" checklists)
PLAYBOOK_SUB_ITEMS = {
    "data_model": 4, "storage_technology": 4, "partitioning": 4, "caching": 4, "async_processing": 4,
    "api_design": 4, "fault_tolerance": 5, "consistency": 3, "scalability": 3, "security": 4,
    "observability": 4, "operational_readiness": 4,
}


def _handwritten():
    return [r for r in load_rules().values() if r.code not in RISK_IDS]


def test_every_rule_is_documented():
    for r in load_rules().values():
        assert re.fullmatch(r"[A-Z]+(-[A-Z0-9]+)?-\d{3}", r.code), r.code
        assert r.family in FAMILIES
        assert r.severity in ("error", "warning", "info")
        assert r.title.strip() and r.why.strip() and r.fix.strip() and r.playbook.strip(), r.code


def test_handwritten_rules_have_examples_and_are_many():
    rules = _handwritten()
    assert len(rules) > 60
    for r in rules:
        assert r.bad.strip() and r.good.strip(), f"{r.code} lacks a bad or good example"


def test_every_handwritten_rule_has_its_own_test():
    text = "\n".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_rules_*.py"))
    untested = [r.code for r in _handwritten() if f'"{r.code}"' not in text]
    assert not untested, f"rules without a fires/silent test: {untested}"


def test_every_knowledge_risk_is_a_rule():
    assert RISK_IDS <= set(load_rules())


def test_every_deep_dive_sub_item_is_a_coverage_item():
    per_topic = {t: sum(1 for it in ITEMS if it.topic == t) for t in DEEP_DIVE_TOPICS}
    for topic, n in PLAYBOOK_SUB_ITEMS.items():
        assert per_topic[topic] >= n, f"{topic}: {per_topic[topic]} coverage items, playbook has {n}"


def test_every_family_has_rules():
    families = {r.family for r in load_rules().values()}
    for fam in ("REQ", "EST", "HLD", "DATA", "STORE", "PART", "CACHE", "ASYNC", "API", "FAULT", "CONS",
                "SCALE", "SEC", "OBS", "OPS", "WRAP", "DEC"):
        assert fam in families, fam
