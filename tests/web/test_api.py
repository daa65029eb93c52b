"""The JSON API against eth-tester: status, live summary, exports, trace, parties, OpenAPI."""

from __future__ import annotations

from urllib.parse import quote

from tradelane.model import Code
from tradelane.web.app import create_app


def test_shipment_status_reports_state_legs_money_and_verification(client, journey):
    j = journey("departed")

    body = client.get(f"/api/shipments/{j.sid}").json()

    assert body["shipment_id"] == j.sid
    assert body["state"] == "routed"
    assert [leg["origin"] for leg in body["legs"]] == ["CNSHA", "SGSIN", "NLRTM"]
    assert body["legs"][0]["actual_departure"] and not body["legs"][0]["actual_arrival"]
    assert body["legs"][0]["estimated_arrival"] == j.legs[0][5] + 12 * 3600
    assert body["deposited"] == str(25 * 10**17)
    assert body["released"] == str(5 * 10**17)  # the 20 % tranche on the first departure
    assert body["held"] == str(20 * 10**17)
    assert body["history_verified"] is True
    assert [m["code"] for m in body["milestones"]] == ["GTIN", "LOAD", "DEPA", "ARRI"]


def test_live_summary_changes_version_when_a_milestone_is_recorded(client, journey):
    j = journey("departed")
    before = client.get(f"/api/shipments/{j.sid}/live").json()

    j.at(j.legs[0][5])
    j.record(0, Code.ARRI)
    after = client.get(f"/api/shipments/{j.sid}/live").json()

    assert before["milestones"] + 1 == after["milestones"]
    assert before["version"] != after["version"]
    assert after["final"] is False and after["state"] == "routed"


def test_exports_are_json_and_downloadable(client, journey):
    j = journey("delivered")

    bundle = client.get(f"/api/shipments/{j.sid}/bundle")
    dcsa = client.get(f"/api/shipments/{j.sid}/dcsa?download=true")
    epcis = client.get(f"/api/shipments/{j.sid}/epcis?download=true")

    assert bundle.status_code == dcsa.status_code == epcis.status_code == 200
    assert isinstance(bundle.json(), dict) and bundle.json()
    assert "attachment" not in bundle.headers.get("content-disposition", "")
    assert f"shipment-{j.sid}-dcsa.json" in dcsa.headers["content-disposition"]
    assert f"shipment-{j.sid}-epcis.jsonld" in epcis.headers["content-disposition"]
    assert "epcisBody" in epcis.json() or "@context" in epcis.json()


def test_trace_finds_the_item_its_shipment_and_proof(client, journey, codes):
    j = journey("departed")

    body = client.get(f"/api/trace?code={quote(codes[1], safe='')}").json()

    assert body["shipment_id"] == j.sid
    assert body["proof_ok"] is True
    assert body["status"]["shipment_id"] == j.sid


def test_party_lists_shipments_of_the_buyer(client, journey, tl):
    j = journey("routed")

    body = client.get(f"/api/parties/{tl.chain.address('buyer')}/shipments").json()

    assert body["total"] == len(body["shipments"]) and body["next_before"] is None
    mine = next(r for r in body["shipments"] if r["shipment_id"] == j.sid)
    assert mine["role"] == "buyer" and mine["state"] == "routed"
    assert mine["url"] == f"/shipment/{j.sid}"


def test_health_names_the_chain_and_contract(client, tl):
    body = client.get("/api/health").json()

    assert body["chain_id"] == tl.chain.chain_id
    assert body["contract"] == tl.address


def test_openapi_documents_every_api_route_and_docs_page_is_local(client):
    schema = client.get("/openapi.json").json()
    docs = client.get("/docs")

    paths = set(schema["paths"])
    for path in (
        "/api/shipments/{shipment_id}",
        "/api/shipments/{shipment_id}/live",
        "/api/shipments/{shipment_id}/bundle",
        "/api/shipments/{shipment_id}/dcsa",
        "/api/shipments/{shipment_id}/epcis",
        "/api/trace",
        "/api/parties/{address}/shipments",
    ):
        assert path in paths
        assert path in docs.text
    assert not any(p.startswith("/shipment/") for p in paths)  # pages stay out of the API
    assert '"422"' not in str(schema).replace("'", '"')  # validation errors answer 400
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "swagger" not in docs.text.lower()


def test_no_page_references_an_external_asset(client, journey):
    j = journey("departed")

    for url in ("/", f"/shipment/{j.sid}", "/docs", "/static/style.css"):
        text = client.get(url).text
        assert "https://" not in text.replace("https://id.gs1.org", ""), url


def test_app_factory_accepts_a_callable(tl):
    from fastapi.testclient import TestClient

    with TestClient(create_app(lambda: tl)) as c:
        assert c.get("/api/health").status_code == 200


def test_actions_say_what_each_party_can_do_with_the_call_ready_for_a_wallet(client, journey, tl):
    j = journey("delivered")
    buyer = client.get(f"/api/shipments/{j.sid}/actions").json()
    by_key = {a["action"]: a for a in buyer}
    assert set(by_key) == {"confirm", "dispute", "finalize"}
    confirm = by_key["confirm"]
    assert confirm["open_now"] and confirm["sender"] == tl.chain.address("buyer")
    assert confirm["data"] == tl.contract.encode_abi("confirmDelivery", args=[j.sid])
    assert confirm["to"] == tl.address and confirm["command"].startswith("tradelane confirm")
    assert not by_key["finalize"]["open_now"] and by_key["finalize"]["opens"] > 0
    seller = client.get(f"/api/shipments/{j.sid}/actions?as=seller").json()
    # the seller was paid a tranche on departure: it can withdraw that now
    assert {a["action"] for a in seller} == {"cancel", "dispute", "finalize", "withdraw"}
    withdraw = next(a for a in seller if a["action"] == "withdraw")
    token, payee = tl.view(j.sid)["token"], tl.chain.address("seller")
    assert withdraw["data"] == tl.contract.encode_abi("withdraw", args=[token, payee])
    assert client.get(f"/api/shipments/{j.sid}/actions?as=pirate").status_code == 400
