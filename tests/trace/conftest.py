"""Shared fixtures for the traceability tests: one embedded chain per module, snapshots per test.

`lifecycle` builds named shipments through the client (the one code path), each a different
shape: direct, relayed and batched milestones, EST updates, customs, an amendment, no items.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker
from trace_kit import LIFECYCLES, STANDARDS, Builder, build

from tradelane.chain import connect
from tradelane.client import Tradelane


@pytest.fixture(scope="module")
def tl(tmp_path_factory) -> Tradelane:
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADELANE_HOME", str(home))
    client, _ = Tradelane.deploy(connect("embedded"))
    yield client
    mp.undo()


@pytest.fixture(autouse=True)
def isolate(request, tmp_path, monkeypatch):
    """Per test: a fresh item registry, and the chain reverted afterwards."""
    monkeypatch.setenv("TRADELANE_HOME", str(tmp_path / "home"))
    if "tl" not in request.fixturenames:
        yield
        return
    tl = request.getfixturevalue("tl")
    tester = tl.chain.w3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    yield
    tester.revert_to_snapshot(snapshot)


@pytest.fixture
def builder(tl):
    return lambda *a, **kw: Builder(tl, *a, **kw)


# -- the official schemas, loaded from the copies in tests/trace/standards ---------------

_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# RFC 3986 scheme ":" rest, or a JSON-LD blank node id ("_:doc1", used by GS1's own examples).
_URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*|_):[^\s]+$")


def _format_checker() -> FormatChecker:
    """jsonschema's checker with date-time and uri enforced (their optional deps are absent)."""
    checker = FormatChecker()

    @checker.checks("date-time")
    def _date_time(value) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATE_TIME.match(value):
            return False
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    @checker.checks("uri")
    def _uri(value) -> bool:
        return not isinstance(value, str) or bool(_URI.match(value))

    return checker


class _NoDates(yaml.SafeLoader):
    """YAML without timestamp resolution: OpenAPI examples stay strings."""


_NoDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


@pytest.fixture(scope="session")
def dcsa_validators() -> dict[str, Draft202012Validator]:
    """Validators for DCSA's /v2/events response and each event component schema."""
    spec = yaml.load((STANDARDS / "tnt-v2.2.0-openapi.yaml").read_text(), Loader=_NoDates)
    components = spec["components"]
    response = spec["paths"]["/v2/events"]["get"]["responses"]["200"]["content"]
    checker = _format_checker()

    def make(schema: dict) -> Draft202012Validator:
        return Draft202012Validator({**schema, "components": components}, format_checker=checker)

    validators = {
        name: make({"$ref": f"#/components/schemas/{name}"})
        for name in ("transportEvent", "equipmentEvent", "shipmentEvent")
    }
    validators["response"] = make(response["application/json"]["schema"])
    return validators


@pytest.fixture(scope="session")
def epcis_validator() -> Draft7Validator:
    schema = json.loads((STANDARDS / "epcis-2.0-json-schema.json").read_text())
    return Draft7Validator(schema, format_checker=_format_checker())


@pytest.fixture(params=LIFECYCLES)
def lifecycle(request, tl) -> Builder:
    return build(tl, request.param)
