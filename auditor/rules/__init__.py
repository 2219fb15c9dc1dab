"""Rule packs. Each module here (but `engine`) is a pack of `@rule` functions; importing them registers them."""

from auditor.rules.engine import Analysis, Rule, Violation, all_rules, analyse, rule, select_rules

__all__ = ["Analysis", "Rule", "Violation", "all_rules", "analyse", "rule", "select_rules"]
