"""Rule years: schema, loading and lookup by month."""

from .loader import RuleBook, available_years, load_year
from .schema import Leaf, RuleYear, iter_leaves

__all__ = ["RuleBook", "RuleYear", "Leaf", "available_years", "iter_leaves", "load_year"]
