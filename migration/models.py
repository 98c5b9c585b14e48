"""The target channel store: one table per entity the new channel-management system receives.

Portable between SQLite and PostgreSQL: money is ``Numeric(18, 2)``, codes are bounded
``String``, timestamps are timezone-aware, JSON is kept as text. Every loaded table carries a
``record_hash`` over its business columns so a re-load can tell an updated row from an
unchanged one, plus the batch that last changed it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints, so Alembic can alter them later on every backend (SQLite batch mode included)."""

MONEY = Numeric(18, 2)
QUANTITY = Numeric(18, 3)
RATE = {"percent": True}
"""Column info of a rate (0.13): text written ``13%`` is read as 0.13 when it is stored."""
HASH = String(64)
BATCH = String(64)
SOURCE_SYSTEM = String(32)
RECORD_ID = String(64)
GOLDEN_ID = String(16)
TIMESTAMP = DateTime(timezone=True)
ALL = "*"
"""A price's channel or customer level when it applies to every channel or level."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SourcePresenceMixin:
    """Whether the sources still have the row: set by the load's policy for rows gone from them."""

    absent_since_batch: Mapped[str | None] = mapped_column(BATCH)
    """The first load whose sources no longer had the row (NULL while they have it)."""
    deleted_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    """Soft-deleted (``soft_delete`` policy): kept, but no longer counted as in the store."""


class LoadedMixin(SourcePresenceMixin):
    """Bookkeeping on every loaded table: which batch last changed the row, and when."""

    record_hash: Mapped[str] = mapped_column(HASH)
    load_batch_id: Mapped[str] = mapped_column(BATCH)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    updated_at: Mapped[datetime] = mapped_column(TIMESTAMP)


class Partner(LoadedMixin, Base):
    """A golden partner record (distributor, dealer, agent, retailer)."""

    __tablename__ = "partner"

    golden_id: Mapped[str] = mapped_column(GOLDEN_ID, primary_key=True)
    partner_name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(32))
    uscc_status: Mapped[str | None] = mapped_column(String(32))
    partner_type: Mapped[str | None] = mapped_column(String(32))
    channel_tier: Mapped[str | None] = mapped_column(String(16))
    sales_region: Mapped[str | None] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(64))
    division_code: Mapped[str | None] = mapped_column(String(12))
    address: Mapped[str | None] = mapped_column(String(500))
    contact_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(200))
    # Deferred: a branch may arrive in the same load as its head office, in any order.
    parent_golden_id: Mapped[str | None] = mapped_column(
        GOLDEN_ID, ForeignKey("partner.golden_id", deferrable=True, initially="DEFERRED")
    )
    status: Mapped[str | None] = mapped_column(String(32))
    source_count: Mapped[int | None] = mapped_column(Integer)
    primary_source_system: Mapped[str | None] = mapped_column(SOURCE_SYSTEM)
    primary_source_record_id: Mapped[str | None] = mapped_column(RECORD_ID)
    parent_link: Mapped[str | None] = mapped_column(String(32))
    """How the head office was found: source_parent_code or name_rule (see mdm.hierarchy)."""
    supplier_golden_id: Mapped[str | None] = mapped_column(GOLDEN_ID)
    """For a 二批 dealer: the 一批 distributor that supplies it, where a source names one (resolved through
    the crosswalk of the same load; no foreign key, which SQLite cannot add to an existing table)."""


class Customer(LoadedMixin, Base):
    """A golden customer record: a business or a person served by a partner."""

    __tablename__ = "customer"

    golden_id: Mapped[str] = mapped_column(GOLDEN_ID, primary_key=True)
    customer_kind: Mapped[str | None] = mapped_column(String(16))
    customer_name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(32))
    uscc_status: Mapped[str | None] = mapped_column(String(32))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(16))
    province: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(64))
    division_code: Mapped[str | None] = mapped_column(String(12))
    address: Mapped[str | None] = mapped_column(String(500))
    postcode: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(200))
    partner_golden_id: Mapped[str | None] = mapped_column(GOLDEN_ID, ForeignKey("partner.golden_id"))
    source_count: Mapped[int | None] = mapped_column(Integer)
    primary_source_system: Mapped[str | None] = mapped_column(SOURCE_SYSTEM)
    primary_source_record_id: Mapped[str | None] = mapped_column(RECORD_ID)


class Product(LoadedMixin, Base):
    """A product (SKU) with its GTIN-14, pack structure and VAT rate."""

    __tablename__ = "product"

    sku_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    gtin: Mapped[str | None] = mapped_column(String(14))
    product_name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(100))
    spec: Mapped[str | None] = mapped_column(String(100))
    net_content: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    net_content_unit: Mapped[str | None] = mapped_column(String(16))
    units_per_case: Mapped[int | None] = mapped_column(Integer)
    sales_unit: Mapped[str | None] = mapped_column(String(16))
    tax_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4), info=RATE)
    status: Mapped[str | None] = mapped_column(String(32))


class Price(LoadedMixin, Base):
    """One price of a SKU for a price tier and sales region (optionally one channel and customer level)
    over an effective period, with its discount and promotion."""

    __tablename__ = "price"
    __table_args__ = (
        UniqueConstraint(
            "sku_code",
            "price_tier",
            "sales_region",
            "effective_from",
            "channel",
            "customer_level",
            name="uq_price_business_key",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku_code: Mapped[str] = mapped_column(String(64), ForeignKey("product.sku_code"))
    price_tier: Mapped[str] = mapped_column(String(16))
    sales_region: Mapped[str] = mapped_column(String(64))
    price: Mapped[Decimal] = mapped_column(MONEY)
    """Tax-inclusive unit price."""
    price_excl_tax: Mapped[Decimal | None] = mapped_column(MONEY)
    """round(price / (1 + tax_rate), 2), ROUND_HALF_UP."""
    currency: Mapped[str | None] = mapped_column(String(3))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(32), default=ALL, server_default=ALL)
    """经销 / KA / 电商 / 特通 …; ``*``: every channel (part of the key, so never NULL)."""
    customer_level: Mapped[str] = mapped_column(String(32), default=ALL, server_default=ALL)
    """The customer level the price is for (A/B/C, 核心/普通 …); ``*``: every level."""
    discount_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4), info=RATE)
    """A percentage discount as a fraction (0.05 = 5% off)."""
    discount_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    """An amount off the unit price."""
    promotion_code: Mapped[str | None] = mapped_column(String(64))
    """The promotion the price belongs to; its window is the price's effective period."""


class Promotion(LoadedMixin, Base):
    """One promoted SKU of one promotion (促销): its price, floor, channel, status and window."""

    __tablename__ = "promotion"

    promotion_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku_code: Mapped[str] = mapped_column(String(64), ForeignKey("product.sku_code"), primary_key=True)
    promotion_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    """申请 / 审批 / 发布 / 终止 (``promotion_rules.yaml``); only 审批 and 发布 take effect."""
    channel: Mapped[str] = mapped_column(String(32))
    promoted_price: Mapped[Decimal] = mapped_column(MONEY)
    floor_price: Mapped[Decimal] = mapped_column(MONEY)
    """最低限价: the promoted price may not go below it."""
    stackable: Mapped[bool | None] = mapped_column(Boolean)
    """May run at the same time as another promotion of the SKU and channel."""
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date] = mapped_column(Date)


class VolumeBand(LoadedMixin, Base):
    """One volume-discount band of a price tier × channel (e.g. 100–499 箱: 3 % off)."""

    __tablename__ = "volume_band"

    price_tier: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    min_quantity: Mapped[Decimal] = mapped_column(QUANTITY, primary_key=True)
    """The band's first quantity (inclusive)."""
    max_quantity: Mapped[Decimal | None] = mapped_column(QUANTITY)
    """The band's last quantity (inclusive); NULL: no upper end."""
    quantity_unit: Mapped[str | None] = mapped_column(String(16))
    discount_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4), info=RATE)
    """A fraction (0.03 = 3 % off)."""


class ProductCrosswalk(LoadedMixin, Base):
    """Where each source system's product code points: (source system, source code) → master SKU."""

    __tablename__ = "product_crosswalk"

    source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM, primary_key=True)
    source_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku_code: Mapped[str] = mapped_column(String(64), index=True)
    """The master SKU (not a foreign key: a master held back by the product standard keeps its codes)."""
    match_method: Mapped[str] = mapped_column(String(16))
    """master | gtin | code | fuzzy | steward"""
    match_score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str | None] = mapped_column(String(500))


class Balance(LoadedMixin, Base):
    """A partner's open receivable (negative = prepayment) on a date, as one source system held it."""

    __tablename__ = "balance"
    __table_args__ = (
        UniqueConstraint(
            "partner_golden_id",
            "as_of_date",
            "source_system",
            "partner_record_id",
            name="uq_balance_business_key",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_golden_id: Mapped[str] = mapped_column(GOLDEN_ID, ForeignKey("partner.golden_id"))
    as_of_date: Mapped[date] = mapped_column(Date)
    source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM)
    partner_record_id: Mapped[str] = mapped_column(RECORD_ID)
    balance_amount: Mapped[Decimal] = mapped_column(MONEY)
    credit_limit: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))


class OrderLine(LoadedMixin, Base):
    """One line of a historical sales order, kept under its source system's order number."""

    __tablename__ = "order_line"
    __table_args__ = (
        UniqueConstraint("source_system", "order_no", "line_no", name="uq_order_line_business_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM)
    order_no: Mapped[str] = mapped_column(String(64))
    line_no: Mapped[int] = mapped_column(Integer)
    partner_golden_id: Mapped[str | None] = mapped_column(GOLDEN_ID, ForeignKey("partner.golden_id"))
    partner_record_id: Mapped[str] = mapped_column(RECORD_ID)
    order_date: Mapped[date] = mapped_column(Date)
    sku_code: Mapped[str] = mapped_column(String(64), ForeignKey("product.sku_code"))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    unit_price: Mapped[Decimal | None] = mapped_column(MONEY)
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    status: Mapped[str | None] = mapped_column(String(32))


class Crosswalk(SourcePresenceMixin, Base):
    """Where every source record went: (entity, source system, source record id) → golden id."""

    __tablename__ = "crosswalk"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM, primary_key=True)
    source_record_id: Mapped[str] = mapped_column(RECORD_ID, primary_key=True)
    golden_id: Mapped[str] = mapped_column(GOLDEN_ID, index=True)
    match_score: Mapped[float | None] = mapped_column(Float)
    match_decision: Mapped[str | None] = mapped_column(String(16))
    """auto_merge | steward | singleton"""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    record_hash: Mapped[str] = mapped_column(HASH)
    first_seen_batch: Mapped[str] = mapped_column(BATCH)
    last_seen_batch: Mapped[str] = mapped_column(BATCH)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    updated_at: Mapped[datetime] = mapped_column(TIMESTAMP)


class Quarantine(Base):
    """A record held back from the store, with where it came from and why."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quarantine_key: Mapped[str] = mapped_column(HASH, unique=True)
    """sha256 over the problem (entity, stage, source file, business key, column, reason) and its repeat
    number in the file, not the batch nor the row number: the same problem is one entry however often it
    is loaded and wherever its row moves (see :mod:`migration.quarantine_rows`)."""
    batch_id: Mapped[str] = mapped_column(BATCH, index=True)
    """The batch that first quarantined the problem (kept when a later load finds it at another row)."""
    entity: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))
    """ingest | validate | match | load"""
    source_system: Mapped[str | None] = mapped_column(SOURCE_SYSTEM)
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_row: Mapped[int | None] = mapped_column(Integer)
    business_key: Mapped[str | None] = mapped_column(String(500))
    column_name: Mapped[str | None] = mapped_column(String(100))
    reason_code: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    original: Mapped[str | None] = mapped_column(Text)
    """The source row as JSON text."""
    record_hash: Mapped[str] = mapped_column(HASH)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open", index=True)
    """open: the latest load still quarantined the row; resolved: a later load no longer did."""
    resolved_batch_id: Mapped[str | None] = mapped_column(BATCH)
    resolved_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    resolution: Mapped[str | None] = mapped_column(Text)


class RunLog(Base):
    """One pipeline or load run: when, how it ended, and its counts as JSON text."""

    __tablename__ = "run_log"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch_id: Mapped[str | None] = mapped_column(BATCH, index=True)
    started_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    finished_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    status: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str | None] = mapped_column(String(32))
    counts: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)


class SourceRowState(Base):
    """Each source row's hash as the last committed load saw it, to tell new, changed, unchanged and
    deleted rows per source (source system × entity) on the next night."""

    __tablename__ = "source_row_state"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM, primary_key=True)
    row_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    row_hash: Mapped[str] = mapped_column(HASH)
    changed_batch: Mapped[str] = mapped_column(BATCH)
    """The load that first saw the row with this hash."""


class StewardDecision(Base):
    """A steward's decision on a pair of partner or customer records, kept by source system and source
    record id so it survives changes to every other field. Rows are never changed: a later decision on
    the same pair is a new row, and the latest one holds."""

    __tablename__ = "steward_decision"

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str | None] = mapped_column(String(16))
    left_source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM)
    left_source_record_id: Mapped[str] = mapped_column(RECORD_ID)
    right_source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM)
    right_source_record_id: Mapped[str] = mapped_column(RECORD_ID)
    decision: Mapped[str] = mapped_column(String(16))
    """merge | not_a_match"""
    notes: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_row: Mapped[int | None] = mapped_column(Integer)


class MatchReview(Base):
    """The partner or customer pairs the latest matching left for a steward (replaced on every run)."""

    __tablename__ = "match_review"

    review_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(16), index=True)
    left_source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM)
    left_source_record_id: Mapped[str] = mapped_column(RECORD_ID)
    left_source_row: Mapped[int | None] = mapped_column(Integer)
    right_source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM)
    right_source_record_id: Mapped[str] = mapped_column(RECORD_ID)
    right_source_row: Mapped[int | None] = mapped_column(Integer)
    match_score: Mapped[float] = mapped_column(Float)
    match_class: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[str | None] = mapped_column(Text)
    """Per field the two values, level and weight, as JSON text."""
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP)


class GoldenAlias(Base):
    """A golden id merged into another: it still resolves, to the surviving golden id.

    The retired record leaves the ``partner``/``customer`` table; its alias stays so every system
    and report that kept the old id can still find the record. When the survivor is itself merged
    later, its aliases move to the new survivor, so an alias always resolves in one step.
    """

    __tablename__ = "golden_alias"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    retired_golden_id: Mapped[str] = mapped_column(GOLDEN_ID, primary_key=True)
    golden_id: Mapped[str] = mapped_column(GOLDEN_ID, index=True)
    """The surviving golden id."""
    retired_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    cause_batch_id: Mapped[str | None] = mapped_column(BATCH)
    """The load batch (run) that merged the two records."""
    cause_file: Mapped[str | None] = mapped_column(String(500))
    """The steward's review workbook whose ``merge`` decision joined them, if one did."""


class GoldenLineage(LoadedMixin, Base):
    """Where each golden value came from: the winning source record and the survivorship rule that
    chose it, replaced by every load for the golden records it carries."""

    __tablename__ = "golden_lineage"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    golden_id: Mapped[str] = mapped_column(GOLDEN_ID, primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_system: Mapped[str | None] = mapped_column(SOURCE_SYSTEM)
    source_record_id: Mapped[str | None] = mapped_column(RECORD_ID)
    rule: Mapped[str | None] = mapped_column(String(32))
    """The survivorship rule that chose the value (``most_trusted``, ``valid_first``…), ``follow FIELD``,
    ``only_value`` (no other record had one) or ``same_value`` (every record agreed)."""


class GoldenHistory(Base):
    """What happened to a golden record, appended and never changed: ``create``, ``merge`` (another
    record or a source record joined it), ``unmerge`` (source records split out) and ``change`` (an
    attribute's value), with the run (load batch) or steward file that caused it."""

    __tablename__ = "golden_history"

    history_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(16))
    golden_id: Mapped[str] = mapped_column(GOLDEN_ID, index=True)
    event: Mapped[str] = mapped_column(String(16))
    """create | merge | unmerge | change"""
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    source_system: Mapped[str | None] = mapped_column(SOURCE_SYSTEM)
    source_record_id: Mapped[str | None] = mapped_column(RECORD_ID)
    """The source record that moved, for a merge or unmerge of one record."""
    cause_batch_id: Mapped[str | None] = mapped_column(BATCH)
    cause_file: Mapped[str | None] = mapped_column(String(500))
    changed_by: Mapped[str | None] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(TIMESTAMP)


class QualityScore(Base):
    """The latest run's data-quality scorecard, one row per source system, entity, measure and field
    (replaced on every run; see mdm.scorecard)."""

    __tablename__ = "quality_score"

    score_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(16))
    source_system: Mapped[str] = mapped_column(SOURCE_SYSTEM)
    measure: Mapped[str] = mapped_column(String(32))
    field: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    rate: Mapped[float | None] = mapped_column(Float)
    problem_share: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[str | None] = mapped_column(BATCH)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP)


TABLES = Base.metadata.tables
"""Every store table by name."""
