"""The store: one schema on SQLite and PostgreSQL, built by the shipped migrations, forward only."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from tradelane.errors import InputError, SetupError
from tradelane.index import open_index
from tradelane.index.schema import metadata
from tradelane.index.store import migrate

CONTRACT = {  # INDEX_SCHEMA.md: what lanes and the page read
    "blocks": "chain_id number hash parent_hash timestamp final",
    "raw_logs": "chain_id block_hash tx_hash log_index block_number address topic0 topics data",
    "shipments": "chain_id contract shipment_id buyer seller token amount destination deadline "
    "arbiter opened_at state delivered_at disputed_at released refunded block_number",
    "legs": "chain_id contract shipment_id leg route_version origin destination mode carrier "
    "planned_departure planned_arrival passages route_hash in_force block_number",
    "milestones": "chain_id contract shipment_id seq leg code classifier location event_time "
    "carrier block_number block_time tx_hash log_index",
    "payouts": "chain_id contract payee token amount kind block_number",
    "disputes": "chain_id contract opened_by opened_at resolved_at to_buyer to_seller by_timeout",
    "amendments": "chain_id contract shipment_id block_number",
    "parties": "chain_id contract shipment_id address role",
}


def test_the_migrations_build_exactly_the_schema(db_url):
    store = open_index(db_url)
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
    for table, columns in CONTRACT.items():
        assert set(columns.split()) <= set(store.tables[table].c.keys()), table


def test_an_old_database_is_migrated_forward_with_its_rows(db_url):
    from alembic import command

    from tradelane.index.store import _alembic_config

    engine = create_engine(db_url)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            text(
                "INSERT INTO tokens (chain_id, address, symbol, decimals) VALUES (1, '0xT', 'X', 6)"
            )
        )
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT symbol FROM tokens")).scalar_one() == "X"
        conn.execute(text("SELECT 1 FROM tokens WHERE chain_id = 131277322940537")).all()
    engine.dispose()


def test_a_database_from_a_newer_tradelane_is_refused_by_name(db_url):
    store = open_index(db_url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SetupError, match="revision 9999, newer than this Tradelane"):
        open_index(db_url)


@pytest.mark.parametrize(
    ("url", "words"),
    [("mysql://nowhere/x", "not supported"), ("not a url", "is not a database URL")],
)
def test_a_bad_url_is_one_clear_error(url, words):
    with pytest.raises(InputError, match=words):
        open_index(url)


def test_an_unreachable_server_is_one_clear_error():
    with pytest.raises(SetupError, match="cannot open the index database"):
        open_index("postgresql+psycopg://nobody@127.0.0.1:1/none")
