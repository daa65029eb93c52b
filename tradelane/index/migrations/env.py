"""Alembic environment: runs on the connection `tradelane.index.store` hands it."""

from __future__ import annotations

from alembic import context

from tradelane.index.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through tradelane.index.store.migrate
    raise RuntimeError("run migrations through tradelane.index.store.migrate(engine)")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
