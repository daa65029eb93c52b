"""Catch-up: every event of a deployment with shipments in every state lands in the index,
and what the buyer asks (status, a party's shipments) is answered from it exactly as from
the chain."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from index_kit import dump
from sqlalchemy import func, select

from tradelane.cli import cli
from tradelane.index.schema import amendments, disputes, legs, parties, payouts, raw_logs, shipments


def _no_clock(status) -> dict:
    data = status.to_json()
    data.pop("now")
    return data


def test_status_from_the_index_is_the_status_from_the_chain(states, indexed, chain_client):
    client, ix = indexed
    report = ix.sync()
    assert report.end == client.chain.w3.eth.block_number and report.logs > 0
    for label, sid in states.items():
        from_index = client.status(sid)
        from_chain = chain_client.status(sid)
        # an accepted offer starts routed (issue 12): the "open" story is a routed shipment
        expected = {"open": "routed", "amended": None}.get(label, label)
        assert from_index.state.label == expected or expected is None, label
        assert from_index.legs == from_chain.legs, label
        assert _no_clock(from_index) == _no_clock(from_chain), label
        assert from_index.history_verified, (label, from_index.history_problem)


def test_party_lists_match_the_chain(states, indexed, chain_client):
    client, ix = indexed
    ix.sync()
    for party in ("buyer", "seller", "arbiter", "carrier1"):
        assert client.shipments_of(party) == chain_client.shipments_of(party), party
    buyer = client.chain.address("buyer")
    page = ix.reader.shipments_of(buyer, limit=3, newest_first=True)
    older = ix.reader.shipments_of(buyer, limit=3, newest_first=True, before=page[-1])
    assert page + older == sorted(chain_client.shipments_of("buyer"), reverse=True)[:6]
    assert ix.reader.count_of(buyer) == len(chain_client.shipments_of("buyer"))


def test_every_log_is_kept_raw_and_the_decoded_tables_hold_the_story(states, indexed, tl):
    client, ix = indexed
    ix.sync()
    on_chain = client.chain.w3.eth.get_logs({"address": tl.address, "fromBlock": 0})
    key = (tl.chain.chain_id, tl.address)
    with ix.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(raw_logs)).scalar() == len(on_chain)
        unknown = conn.execute(select(raw_logs.c.topic0).where(raw_logs.c.event.is_(None))).all()
        assert unknown == []
        ship = {r.shipment_id: r for r in conn.execute(select(shipments)).all()}
        assert {ship[sid].state for sid in states.values()} >= {
            "routed",
            "delivered",
            "disputed",
            "completed",
            "refunded",
            "resolved",
        }
        assert ship[states["routed"]].tranches == "DEPA:0:2000,ARRI:255:3000"
        kinds = {r.kind for r in conn.execute(select(payouts)).all()}
        assert kinds == {"tranche", "completed", "refunded", "resolved", "withdrawn"}
        (dispute,) = conn.execute(
            select(disputes).where(disputes.c.shipment_id == states["resolved"])
        ).all()
        assert dispute.resolved_at and dispute.to_buyer + dispute.to_seller > 0
        (amendment,) = conn.execute(select(amendments)).all()
        assert (amendment.shipment_id, amendment.from_leg) == (states["amended"], 1)
        in_force = conn.execute(
            select(legs.c.leg, legs.c.origin, legs.c.route_version)
            .where(legs.c.shipment_id == states["amended"], legs.c.in_force)
            .order_by(legs.c.leg)
        ).all()
        assert [(r.leg, r.origin, r.route_version) for r in in_force] == [
            (0, "CNSHA", 0),
            (1, "SGSIN", 1),
            (2, "EGPSD", 1),
        ]
        roles = {
            r.role
            for r in conn.execute(
                select(parties).where(parties.c.shipment_id == states["routed"])
            ).all()
        }
        assert roles == {"buyer", "seller", "arbiter", "carrier", "receiver"}
    assert key == (ix.reader.chain_id, ix.reader.contract)


def test_a_second_pass_adds_nothing_and_a_redecode_rebuilds_the_same(states, indexed, tl):
    client, ix = indexed
    ix.sync()
    before = dump(ix.store, tl.chain.chain_id, tl.address)
    again = ix.sync()
    assert again.logs == 0
    ix.follower.redecode()
    assert dump(ix.store, tl.chain.chain_id, tl.address) == before


def test_an_unknown_shipment_is_one_clear_error(states, indexed):
    client, ix = indexed
    ix.sync()
    with pytest.raises(Exception, match="shipment 999 does not exist"):
        client.status(999)


def test_the_index_command_reports_what_it_read(states, tl, db_url, env_home):
    runner = CliRunner()
    args = ["index", "--json", "--rpc", tl.chain.url, "--db", db_url]
    result = runner.invoke(cli, args, env={"TRADELANE_HOME": env_home["TRADELANE_HOME"]})
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["logs"] > 0 and summary["index"]["block"] == tl.chain.w3.eth.block_number
    result = runner.invoke(cli, args, env={"TRADELANE_HOME": env_home["TRADELANE_HOME"]})
    assert json.loads(result.stdout)["logs"] == 0  # nothing twice
    status = runner.invoke(
        cli,
        ["status", str(states["completed"]), "--json", "--rpc", tl.chain.url, "--db", db_url],
        env={"TRADELANE_HOME": env_home["TRADELANE_HOME"]},
    )
    assert status.exit_code == 0, status.output
    data = json.loads(status.stdout)
    assert data["state"] == "completed" and data["index"]["blocks_behind"] == 0


def test_a_bad_database_url_is_one_clear_line(tl, env_home):
    result = CliRunner().invoke(
        cli,
        ["index", "--rpc", tl.chain.url, "--db", "mysql://nowhere/x"],
        env={"TRADELANE_HOME": env_home["TRADELANE_HOME"]},
    )
    assert result.exit_code != 0
    assert "mysql" in result.output and "Traceback" not in result.output
