"""The inventory's tables: catalogue, suppliers, purchase orders and the stock ledger.

Stock on hand is the sum of :class:`StockMovement` rows, an append-only
ledger; :class:`StockLevel` keeps that sum per product and location so reads
never add up the ledger and so "never below zero" can be one atomic UPDATE.
Every index starts with ``business_id``: every hot query does.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, Uuid, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_core.db import Base
from platform_core.db.mixins import Audited, TenantModel, TenantScoped, UUIDPrimaryKey, utcnow
from platform_core.db.types import MONEY

#: Stock quantities: decimals, so half a bottle or 12.5 ml can be recorded.
QUANTITY = Numeric(12, 3)
#: Average unit costs keep more places than money: rounding happens on values, not on costs.
UNIT_COST = Numeric(12, 4)

#: Kinds of ledger rows. A transfer writes two ``transfer`` rows (out and in) sharing a ``transfer_id``.
MOVEMENT_KINDS = ("receipt", "usage", "sale", "adjustment", "transfer", "stocktake")
PO_STATES = ("draft", "ordered", "partially_received", "received", "cancelled")


def _unique_while_live(table, *columns):
    """Unique per business among rows that are not deleted: a deleted row frees its value."""
    live = text("NOT is_deleted")
    return Index(f"uq_{table}_business_{'_'.join(columns)}", "business_id", *columns, unique=True,
                 sqlite_where=live, postgresql_where=live)


class Category(TenantModel, Base):
    """A shelf of the catalogue (shampoos, colour, nails, retail)."""

    __tablename__ = "inventory_categories"
    __table_args__ = (_unique_while_live("inventory_categories", "name"),)

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class Product(TenantModel, Base):
    """Something the business stocks, uses on clients or sells."""

    __tablename__ = "inventory_products"
    __table_args__ = (
        _unique_while_live("inventory_products", "sku"),
        # The default list (newest first): live rows of a business in order, any page without a sort.
        Index("ix_inventory_products_business_live_created", "business_id", "created_at", "id",
              sqlite_where=text("NOT is_deleted"), postgresql_where=text("NOT is_deleted")),
        Index("ix_inventory_products_business_name", "business_id", "name"),
        Index("ix_inventory_products_business_barcode", "business_id", "barcode"),
        Index("ix_inventory_products_business_category", "business_id", "category_id"),
    )

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    sku: Mapped[str] = mapped_column(String(64), nullable=False)
    barcode: Mapped[str | None] = mapped_column(String(64))
    category_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("inventory_categories.id"))
    #: What one unit of quantity is: ``unit``, ``bottle``, ``ml``...
    unit: Mapped[str] = mapped_column(String(20), nullable=False, default="unit")
    cost_price: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0.00"))
    sale_price: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0.00"))
    #: A percentage: ``23.00`` is 23 %.
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False, default=Decimal("0.00"))
    #: Untracked products (water, cotton) are recorded but never refused or reported low.
    track_stock: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Total stock (all locations) at or below which the product is low; None: not watched.
    reorder_point: Mapped[Decimal | None] = mapped_column(QUANTITY)
    reorder_quantity: Mapped[Decimal] = mapped_column(QUANTITY, nullable=False, default=Decimal("0.000"))
    allow_negative_stock: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Weighted-average unit cost across all locations, maintained by receipts (see services.ledger).
    average_cost: Mapped[Decimal] = mapped_column(UNIT_COST, nullable=False, default=Decimal("0.0000"))


class Supplier(TenantModel, Base):
    """Who the business buys from."""

    __tablename__ = "inventory_suppliers"
    __table_args__ = (_unique_while_live("inventory_suppliers", "name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    contact_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    email: Mapped[str | None] = mapped_column(String(254))
    #: E.164.
    phone: Mapped[str | None] = mapped_column(String(20))
    lead_time_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    payment_terms: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    #: ISO 4217; informative: costs are taken to be in the business's currency.
    currency: Mapped[str] = mapped_column(String(3), nullable=False)


class SupplierProduct(TenantModel, Base):
    """A product as one supplier sells it: their SKU and their price."""

    __tablename__ = "inventory_supplier_products"
    __table_args__ = (
        _unique_while_live("inventory_supplier_products", "supplier_id", "product_id"),
        Index("ix_inventory_supplier_products_business_product", "business_id", "product_id"),
    )

    supplier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("inventory_suppliers.id"), nullable=False)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("inventory_products.id"), nullable=False)
    supplier_sku: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    cost: Mapped[Decimal] = mapped_column(MONEY, nullable=False)


class PurchaseOrder(TenantModel, Base):
    """An order to a supplier: edited as a draft, then ordered, received (perhaps in parts) or cancelled."""

    __tablename__ = "inventory_purchase_orders"
    __table_args__ = (
        Index("ix_inventory_purchase_orders_business_created", "business_id", "created_at"),
        Index("ix_inventory_purchase_orders_business_status", "business_id", "status"),
        Index("ix_inventory_purchase_orders_business_supplier", "business_id", "supplier_id"),
    )

    supplier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("inventory_suppliers.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    reference: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    expected_at: Mapped[date | None] = mapped_column(Date)
    ordered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    lines: Mapped[list["PurchaseOrderLine"]] = relationship(
        back_populates="purchase_order", cascade="all, delete-orphan", order_by="PurchaseOrderLine.position",
        lazy="selectin",
    )

    @property
    def total(self):
        """What the order costs: the sum of its lines, to the cent."""
        return sum((line.quantity * line.unit_cost for line in self.lines), Decimal("0")).quantize(Decimal("0.01"))


class PurchaseOrderLine(UUIDPrimaryKey, TenantScoped, Audited, Base):
    """A product, quantity and unit cost on a purchase order, and how much of it has arrived."""

    __tablename__ = "inventory_purchase_order_lines"
    __table_args__ = (
        Index("ix_inventory_purchase_order_lines_business_order", "business_id", "purchase_order_id"),
        Index("ix_inventory_purchase_order_lines_business_product", "business_id", "product_id"),
    )

    #: The conventional constraint name would pass PostgreSQL's 63 characters: named here.
    purchase_order_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inventory_purchase_orders.id", ondelete="CASCADE",
                         name="fk_inventory_purchase_order_lines_purchase_order"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("inventory_products.id"), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY, nullable=False)
    unit_cost: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    received_quantity: Mapped[Decimal] = mapped_column(QUANTITY, nullable=False, default=Decimal("0.000"))

    purchase_order: Mapped[PurchaseOrder] = relationship(back_populates="lines")


class StockLevel(UUIDPrimaryKey, TenantScoped, Base):
    """Stock on hand of one product at one location: the sum of its ledger rows, kept for atomic checks."""

    __tablename__ = "inventory_stock_levels"
    __table_args__ = (
        Index("uq_inventory_stock_levels_product_location", "business_id", "product_id", "location_id",
              unique=True),
        Index("ix_inventory_stock_levels_business_location", "business_id", "location_id"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("inventory_products.id"), nullable=False)
    location_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("locations.id"), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY, nullable=False, default=Decimal("0.000"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


class StockMovement(UUIDPrimaryKey, TenantScoped, Audited, Base):
    """One line of the append-only stock ledger; never edited, never deleted.

    ``quantity`` is signed (what it did to the level at ``location_id``) and
    ``quantity_after`` is the level it left, so the ledger explains every level.
    """

    __tablename__ = "inventory_stock_movements"
    __table_args__ = (
        Index("ix_inventory_stock_movements_business_at", "business_id", "at"),
        Index("ix_inventory_stock_movements_business_product_at", "business_id", "product_id", "at"),
        Index("ix_inventory_stock_movements_business_location_at", "business_id", "location_id", "at"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("inventory_products.id"), nullable=False)
    location_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("locations.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY, nullable=False)
    quantity_after: Mapped[Decimal] = mapped_column(QUANTITY, nullable=False)
    #: A receipt's purchase cost; for other kinds the average cost at the time.
    unit_cost: Mapped[Decimal | None] = mapped_column(UNIT_COST)
    #: A stocktake's count (``quantity`` is the difference it recorded).
    counted_quantity: Mapped[Decimal | None] = mapped_column(QUANTITY)
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    #: Both legs of a transfer share it; ``counterpart_location_id`` is the other leg's location.
    transfer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    counterpart_location_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("locations.id"))
    #: What caused it (``purchase_order``, a sale of another plugin...) and its id.
    source_type: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
