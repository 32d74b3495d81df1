"""Scoring: signals measured on a text, and rules (from rules/*.toml) that judge them."""

from auditor.score.rules import Rule, RuleSet, default_rules_dir, load_rules

__all__ = ["Rule", "RuleSet", "default_rules_dir", "load_rules"]
