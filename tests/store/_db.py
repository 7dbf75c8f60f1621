"""Looking at a database from the outside, to check what an operation did or did not change."""

from __future__ import annotations

from sqlalchemy import Engine, select

from turntoward.store.schema import Base


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in id order."""
    with engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key))]
            for table in Base.metadata.sorted_tables
        }
