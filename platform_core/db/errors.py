"""Reading a database's integrity errors as the contract's 409 ``conflict``.

Both backends name the columns of a violated unique constraint: PostgreSQL in
the error's detail (``Key (business_id, sku)=(...)``), SQLite in its message
(``UNIQUE constraint failed: t.business_id, t.sku``). ``business_id`` is left
out: to the client, the value is taken in *their* business.
"""

import re

from platform_core.errors import Conflict

_POSTGRES_KEY = re.compile(r"Key \(([^)]*)\)=")
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$", re.MULTILINE)


def violated_columns(exc):
    """The columns of the unique constraint an IntegrityError names, or []."""
    detail = getattr(getattr(exc.orig, "diag", None), "message_detail", None) or ""
    match = _POSTGRES_KEY.search(detail)
    if match:
        return [column.strip().strip('"') for column in match.group(1).split(",")]
    match = _SQLITE_UNIQUE.search(str(exc.orig))
    if match:
        return [part.strip().rsplit(".", 1)[-1] for part in match.group(1).split(",")]
    return []


def conflict_from(exc):
    """The Conflict to answer for an IntegrityError."""
    columns = [column for column in violated_columns(exc) if column != "business_id"]
    if columns:
        return Conflict("A unique value is already taken", errors={column: ["Already taken"] for column in columns})
    return Conflict("The change conflicts with existing data", errors={"_": ["Conflicts with existing data"]})
