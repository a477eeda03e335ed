"""The principal-level review: the playbook's rubric as rules (see engine.py for a rule's shape)."""

from tradeoff.review.engine import RULES, Finding, Hit, Rule, rule
from tradeoff.review.run import Config, Report, config_file, load_rules, review

__all__ = ["RULES", "Config", "Finding", "Hit", "Report", "Rule", "config_file", "load_rules", "review", "rule"]
