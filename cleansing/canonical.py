"""The canonical schema every source is mapped onto.

One entity per kind of master or transactional data the toolkit moves. Source mappings
(``sample_data/mappings/*.yaml`` or a steward's own) rename a source's columns onto these
names; everything downstream speaks only these names. Keep one name per concept across
code, configuration, database columns and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["text", "id", "decimal", "integer", "date", "boolean"]
"""``id`` is text that must never be parsed as a number (codes, phones, USCC, SKU, GTIN)."""


@dataclass(frozen=True)
class CanonicalColumn:
    name: str
    type: ColumnType
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class CanonicalEntity:
    name: str
    business_key: tuple[str, ...]
    columns: tuple[CanonicalColumn, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> CanonicalColumn:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(
    name: str, type: ColumnType = "text", required: bool = False, description: str = ""
) -> CanonicalColumn:
    return CanonicalColumn(name, type, required, description)


PROVENANCE_COLUMNS: tuple[str, ...] = (
    "source_system",
    "source_file",
    "source_sheet",
    "source_row",
    "file_hash",
    "batch_id",
    "ingested_at",
)
"""Added to every ingested row: where it came from, exactly (``source_row`` is the 1-based
row number in the original file, counting title and header rows)."""

PARTNER = CanonicalEntity(
    "partner",
    business_key=("source_system", "source_record_id"),
    columns=(
        _c("source_record_id", "id", True, "the partner's code in its source system"),
        _c("partner_name", "text", True, "legal or trading name as written in the source"),
        _c("uscc", "id", description="统一社会信用代码 (or a legacy 15-digit 注册号 / 9-digit 组织机构代码)"),
        _c("partner_type", "text", description="distributor | dealer | agent | retailer"),
        _c("channel_tier", "text", description="1 (一批) | 2 (二批)"),
        _c("sales_region", "text", description="the brand's sales region, e.g. 华东"),
        _c("province", "text"),
        _c("city", "text"),
        _c("district", "text"),
        _c("address", "text"),
        _c("contact_name", "text"),
        _c("phone", "id"),
        _c("email", "text"),
        _c(
            "parent_record_id", "id", description="head office's code for a branch, where the source knows it"
        ),
        _c(
            "supplier_record_id",
            "id",
            description="for a 二批 dealer, the code of the 一批 distributor that supplies it, in the same source",
        ),
        _c("status", "text"),
        _c("created_date", "date"),
    ),
)

CUSTOMER = CanonicalEntity(
    "customer",
    business_key=("source_system", "source_record_id"),
    columns=(
        _c("source_record_id", "id", True),
        _c("customer_kind", "text", description="business | person"),
        _c("customer_name", "text", True, "company name, or the person's name"),
        _c("uscc", "id"),
        _c("id_number_masked", "id", description="a person's masked ID number, if any"),
        _c("birth_date", "date"),
        _c("gender", "text"),
        _c("province", "text"),
        _c("city", "text"),
        _c("district", "text"),
        _c("address", "text"),
        _c("postcode", "id"),
        _c("phone", "id"),
        _c("email", "text"),
        _c(
            "partner_record_id", "id", description="the partner that serves this customer, in the same source"
        ),
        _c("created_date", "date"),
    ),
)

PRODUCT = CanonicalEntity(
    "product",
    business_key=("sku_code",),
    columns=(
        _c("sku_code", "id", True),
        _c(
            "gtin",
            "id",
            description="EAN-8 / UPC-12 / EAN-13 / GTIN-14, stored as GTIN-14 after standardising",
        ),
        _c("product_name", "text", True),
        _c("brand", "text"),
        _c("category", "text"),
        _c("spec", "text", description="spec string as written, e.g. 500ml×12瓶/箱"),
        _c("net_content", "decimal"),
        _c("net_content_unit", "text"),
        _c("units_per_case", "integer"),
        _c("sales_unit", "text", description="the unit sold: 箱, 瓶, 袋 …"),
        _c("tax_rate", "decimal"),
        _c("status", "text"),
    ),
)

PRICE = CanonicalEntity(
    "price",
    business_key=("sku_code", "price_tier", "sales_region", "effective_from"),
    columns=(
        _c("sku_code", "id", True),
        _c("price_tier", "text", True, "factory | tier1 | tier2 | retail"),
        _c("sales_region", "text", True),
        _c("price", "decimal", True, "tax-inclusive unit price in CNY"),
        _c("currency", "text"),
        _c("effective_from", "date", True),
        _c("effective_to", "date"),
        _c("channel", "text", description="经销 | KA | 电商 | 特通 …; blank: every channel"),
        _c("customer_level", "text", description="the customer level the price is for; blank: every level"),
        _c("price_excl_tax", "decimal", description="tax-exclusive unit price, if the source gives it"),
        _c("tax_rate", "decimal", description="VAT rate of this price; blank: the product's"),
        _c("discount_rate", "decimal", description="percentage off (0.05 or 5%)"),
        _c("discount_amount", "decimal", description="amount off the unit price"),
        _c(
            "promotion_code",
            "id",
            description="the promotion this price belongs to (its window = the period)",
        ),
    ),
)

PROMOTION = CanonicalEntity(
    "promotion",
    business_key=("promotion_code", "sku_code"),
    columns=(
        _c("promotion_code", "id", True),
        _c("promotion_name", "text"),
        _c("status", "text", True, "申请 | 审批 | 发布 | 终止 (promotion_rules.yaml)"),
        _c("channel", "text", True, "the channel the promotion runs in (经销, KA, 电商, 特通 …)"),
        _c("sku_code", "id", True, "one promoted SKU per row"),
        _c("promoted_price", "decimal", True, "the promotion's unit price, CNY"),
        _c("floor_price", "decimal", True, "最低限价: the promoted price may not go below it"),
        _c("stackable", "boolean", description="may run at the same time as another promotion"),
        _c("effective_from", "date", True),
        _c("effective_to", "date", True),
    ),
)

VOLUME_BAND = CanonicalEntity(
    "volume_band",
    business_key=("price_tier", "channel", "min_quantity"),
    columns=(
        _c("price_tier", "text", True, "the tier the band's discount applies to"),
        _c("channel", "text", True),
        _c("min_quantity", "decimal", True, "the band's first quantity (inclusive)"),
        _c(
            "max_quantity", "decimal", description="the band's last quantity (inclusive); blank: no upper end"
        ),
        _c("quantity_unit", "text", description="the unit quantities count in (箱)"),
        _c("discount_rate", "decimal", True, "0.03 or 3%"),
    ),
)

BALANCE = CanonicalEntity(
    "balance",
    business_key=("source_system", "partner_record_id", "as_of_date"),
    columns=(
        _c("partner_record_id", "id", True, "the partner's code in the balance's source system"),
        _c("partner_name", "text"),
        _c("balance_amount", "decimal", True, "open receivable, CNY; negative = prepayment"),
        _c("credit_limit", "decimal"),
        _c("currency", "text"),
        _c("as_of_date", "date", True),
    ),
)

ORDER = CanonicalEntity(
    "order",
    business_key=("source_system", "order_no", "line_no"),
    columns=(
        _c("order_no", "id", True),
        _c("line_no", "integer", True),
        _c("partner_record_id", "id", True),
        _c("order_date", "date", True),
        _c("sku_code", "id", True),
        _c("quantity", "decimal", True),
        _c("unit_price", "decimal"),
        _c("amount", "decimal"),
        _c("status", "text"),
    ),
)

ENTITIES: dict[str, CanonicalEntity] = {
    e.name: e for e in (PARTNER, CUSTOMER, PRODUCT, PRICE, BALANCE, ORDER, PROMOTION, VOLUME_BAND)
}


def get_entity(name: str) -> CanonicalEntity:
    """Return the canonical entity called ``name`` or raise a ``KeyError`` listing the valid names."""
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}; expected one of {', '.join(ENTITIES)}") from None
