"""Index helpers for tenant tables."""

from sqlalchemy import Index, text


def unique_among_live(table, *columns, name=None):
    """A unique index on ``business_id`` + ``columns`` among rows that are not soft-deleted.

    A deleted row frees its value (a merged duplicate's email, a removed
    product's SKU). ``NOT is_deleted`` reads the same on SQLite and PostgreSQL.
    """
    live = text("NOT is_deleted")
    return Index(name or f"uq_{table}_{'_'.join(columns)}", "business_id", *columns, unique=True,
                 sqlite_where=live, postgresql_where=live)
