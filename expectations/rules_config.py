"""Steward-edited product and price rules: the category tree, required attributes and price limits.

Loaded from ``expectations/config/categories.yaml`` and ``price_rules.yaml`` and checked on load: an
unknown key, a name used twice in the tree or a limit that is not a number is reported with the file
and the key to fix, never as a failed validation later.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cleansing.config_files import suggest
from expectations.standards import CONFIG_DIR, _load_yaml
from foundation.errors import UserError

PRODUCT_ATTRIBUTES = (
    "brand",
    "spec",
    "gtin",
    "net_content",
    "net_content_unit",
    "units_per_case",
    "sales_unit",
    "tax_rate",
    "status",
    "category",
)
"""Product columns a category may require."""

CATEGORY_KEYS = ("categories", "minimum_level", "required_attributes")
PRICE_RULE_KEYS = ("price_floor", "max_decimal_places", "tax_tolerance", "price_change_review_percent")
PROMOTION_RULE_KEYS = ("statuses", "applying_statuses", "max_volume_discount", "first_band_from")


@dataclass(frozen=True)
class CategoryNode:
    name: str
    path: tuple[str, ...]
    """The names from the 大类 down to this node."""

    @property
    def level(self) -> int:
        return len(self.path)

    @property
    def path_text(self) -> str:
        return "/".join(self.path)


@dataclass(frozen=True)
class CategoryVocabulary:
    """The category tree, how deep a product's category must be, and required attributes by node."""

    nodes: dict[str, CategoryNode]
    """Every node by its name and by its path text."""
    minimum_level: int
    required_attributes: dict[str, tuple[str, ...]]
    """Node name (or ``*``) → columns that must be filled."""

    def node(self, value: str) -> CategoryNode | None:
        return self.nodes.get(value.strip().replace(" / ", "/"))

    def required_for(self, node: CategoryNode | None) -> tuple[str, ...]:
        """The columns a product in ``node`` must fill: ``*``'s, then each ancestor's and its own."""
        names = ["*", *(node.path if node else ())]
        columns = [c for name in names for c in self.required_attributes.get(name, ())]
        return tuple(dict.fromkeys(columns))


@dataclass(frozen=True)
class PriceRules:
    price_floor: Decimal
    max_decimal_places: int
    tax_tolerance: Decimal
    price_change_review_percent: Decimal


def _unknown_keys(raw: dict, allowed: tuple[str, ...], path: Path) -> None:
    for key in raw:
        if key not in allowed:
            hint = suggest(str(key), allowed) or f"; expected one of {', '.join(allowed)}"
            raise UserError(f"{path}: unknown key {key!r}{hint}")


def _walk(tree: object, parent: tuple[str, ...], path: Path, out: dict[str, CategoryNode]) -> None:
    if isinstance(tree, dict):
        items = list(tree.items())
    elif isinstance(tree, list):
        items = [(leaf, None) for leaf in tree]
    else:
        where = "/".join(parent) or "categories"
        raise UserError(f"{path}: categories.{where} must be a mapping of children or a list of 小类 names")
    for name, children in items:
        if not isinstance(name, str) or not name.strip() or "/" in name:
            raise UserError(
                f"{path}: category name {name!r} under {'/'.join(parent) or 'the top'} must be text without '/'"
            )
        node = CategoryNode(name.strip(), (*parent, name.strip()))
        if node.name in out:
            raise UserError(
                f"{path}: category {node.name!r} appears twice ({out[node.name].path_text} and {node.path_text}); "
                "give each node a unique name"
            )
        out[node.name] = node
        out[node.path_text] = node
        if children is not None:
            _walk(children, node.path, path, out)


def load_category_vocabulary(path: Path | None = None) -> CategoryVocabulary:
    """Read and check ``categories.yaml``."""
    path = Path(path) if path else CONFIG_DIR / "categories.yaml"
    raw = _load_yaml(path)
    _unknown_keys(raw, CATEGORY_KEYS, path)
    tree = raw.get("categories")
    if not isinstance(tree, dict) or not tree:
        raise UserError(f"{path}: 'categories' must be a non-empty mapping of 大类 names")
    nodes: dict[str, CategoryNode] = {}
    _walk(tree, (), path, nodes)
    level = raw.get("minimum_level", 1)
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 3:
        raise UserError(f"{path}: minimum_level must be 1 (大类), 2 (中类) or 3 (小类), not {level!r}")
    required: dict[str, tuple[str, ...]] = {}
    for name, columns in (raw.get("required_attributes") or {}).items():
        if name != "*" and name not in nodes:
            hint = suggest(str(name), list(nodes), cutoff=0.5)
            raise UserError(f"{path}: required_attributes.{name} names no category in the tree{hint}")
        if not isinstance(columns, list):
            raise UserError(f"{path}: required_attributes.{name} must be a list of product columns")
        for column in columns:
            if column not in PRODUCT_ATTRIBUTES:
                hint = suggest(str(column), PRODUCT_ATTRIBUTES)
                raise UserError(
                    f"{path}: required_attributes.{name}: {column!r} is not a product column{hint}"
                )
        required[str(name)] = tuple(columns)
    return CategoryVocabulary(nodes, level, required)


def _number(raw: dict, key: str, path: Path, minimum: float = 0) -> Decimal:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise UserError(f"{path}: {key} must be a number of at least {minimum:g}, not {value!r}")
    return Decimal(str(value))


def load_price_rules(path: Path | None = None) -> PriceRules:
    """Read and check ``price_rules.yaml``."""
    path = Path(path) if path else CONFIG_DIR / "price_rules.yaml"
    raw = _load_yaml(path)
    _unknown_keys(raw, PRICE_RULE_KEYS, path)
    for key in PRICE_RULE_KEYS:
        if key not in raw:
            raise UserError(f"{path}: {key} is missing; see the comments at the top of the file")
    places = raw["max_decimal_places"]
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 4:
        raise UserError(f"{path}: max_decimal_places must be a whole number from 0 to 4, not {places!r}")
    return PriceRules(
        price_floor=_number(raw, "price_floor", path),
        max_decimal_places=places,
        tax_tolerance=_number(raw, "tax_tolerance", path),
        price_change_review_percent=_number(raw, "price_change_review_percent", path),
    )


@dataclass(frozen=True)
class PromotionRules:
    statuses: tuple[str, ...]
    applying_statuses: tuple[str, ...]
    """The statuses in which a promotion takes effect (审批, 发布)."""
    max_volume_discount: Decimal
    first_band_from: int


def _text_list(raw: dict, key: str, path: Path) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise UserError(f"{path}: {key} must be a non-empty list of words, not {value!r}")
    return tuple(v.strip() for v in value)


def load_promotion_rules(path: Path | None = None) -> PromotionRules:
    """Read and check ``promotion_rules.yaml``."""
    path = Path(path) if path else CONFIG_DIR / "promotion_rules.yaml"
    raw = _load_yaml(path)
    _unknown_keys(raw, PROMOTION_RULE_KEYS, path)
    for key in PROMOTION_RULE_KEYS:
        if key not in raw:
            raise UserError(f"{path}: {key} is missing; see the comments at the top of the file")
    statuses = _text_list(raw, "statuses", path)
    applying = _text_list(raw, "applying_statuses", path)
    for status in applying:
        if status not in statuses:
            hint = suggest(status, statuses, cutoff=0.3)
            raise UserError(f"{path}: applying_statuses: {status!r} is not one of the statuses{hint}")
    maximum = _number(raw, "max_volume_discount", path)
    if maximum >= 1:
        raise UserError(f"{path}: max_volume_discount must be a fraction below 1 (0.08 = 8 %), not {maximum}")
    first = raw["first_band_from"]
    if isinstance(first, bool) or not isinstance(first, int) or first < 0:
        raise UserError(f"{path}: first_band_from must be a whole number of at least 0, not {first!r}")
    return PromotionRules(statuses, applying, maximum, first)
