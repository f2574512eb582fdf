"""The declarative base and the column groups most records share."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, MetaData, TypeDecorator, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, registry

from tracker import clock

# A naming convention makes constraint names predictable, so Alembic's batch
# mode can alter them on SQLite and the same migrations run on PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always given back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use tracker.clock.now()")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime},
    )


def _utcnow() -> dt.datetime:
    return clock.now()


class Tracked:
    """Created/updated stamps, soft deletion and a version for optimistic locking."""

    created_at: Mapped[dt.datetime] = mapped_column(default=_utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=_utcnow, onupdate=_utcnow)
    #: set when the record is deleted; deleted records are hidden but kept
    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None, index=True)
    #: bumped on every update; an edit form carries the version it was opened at
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        # SQLAlchemy checks the version in every UPDATE, so two writers racing
        # past the form check still cannot overwrite each other silently.
        return {"version_id_col": cls.__table__.c.version}


__all__ = ["Base", "Tracked", "UTCDateTime", "func"]
