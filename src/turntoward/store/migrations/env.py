"""Alembic environment shipped inside the package: runs on the connection the store hands it.

Users never need an alembic.ini; `turntoward.store._engine.upgrade_schema` configures Alembic
in code and passes its connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from turntoward.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("turntoward migrations run through turntoward.store, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
