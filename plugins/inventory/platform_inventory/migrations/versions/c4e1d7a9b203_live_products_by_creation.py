"""Inventory: live products by creation, for the default list order and an index-only count

The default list (newest first) and its total read only live rows of one
business; a partial index on them serves the order without a sort and lets
PostgreSQL count a business's live products from the index alone (a million
rows: a sequential scan of the table before). It replaces the full
(business_id, created_at) index.

Revision ID: c4e1d7a9b203
Revises: b96073806c14
Create Date: 2026-11-27 20:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = 'c4e1d7a9b203'
down_revision = 'b96073806c14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inventory_products', schema=None) as batch_op:
        batch_op.drop_index('ix_inventory_products_business_created')
        batch_op.create_index('ix_inventory_products_business_live_created', ['business_id', 'created_at', 'id'],
                              unique=False, sqlite_where=sa.text('NOT is_deleted'),
                              postgresql_where=sa.text('NOT is_deleted'))


def downgrade():
    with op.batch_alter_table('inventory_products', schema=None) as batch_op:
        batch_op.drop_index('ix_inventory_products_business_live_created', sqlite_where=sa.text('NOT is_deleted'),
                            postgresql_where=sa.text('NOT is_deleted'))
        batch_op.create_index('ix_inventory_products_business_created', ['business_id', 'created_at'], unique=False)
