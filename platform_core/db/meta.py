"""The declarative base every model of the core and the plugins derives from."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

#: Named constraints, so migrations can drop and alter them on every backend
#: and a unique violation can be traced back to the field it guards.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base; its metadata is the one alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
