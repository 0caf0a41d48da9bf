"""Column types the kit offers plugins, portable between SQLite and PostgreSQL."""

from sqlalchemy import Numeric, String, type_coerce
from sqlalchemy.types import TypeDecorator

#: Money columns: exact decimals with two places (never floats).
MONEY = Numeric(12, 2)


class TagList(TypeDecorator):
    """A list of tags stored as ``,a,b,`` so ``tag=b`` is one portable LIKE.

    Tags never contain commas (the schema refuses them).
    """

    impl = String(1000)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return "," + ",".join(value) + "," if value else ""

    def process_result_value(self, value, dialect):
        return [tag for tag in (value or "").split(",") if tag]


def escape_like(text):
    """``text`` with LIKE's wildcards escaped (use with ``escape="\\"``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def has_tag(column, tag):
    """The criterion "this TagList column contains ``tag``"."""
    # As plain text: the pattern must not go through TagList's own conversion.
    return type_coerce(column, String).like(f"%,{escape_like(tag)},%", escape="\\")
