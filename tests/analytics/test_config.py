"""The simulation config: the documented default loads; bad files get one clear error."""

from __future__ import annotations

import json

import pytest

from tradelane.analytics.population import DEFAULT_CONFIG, load_config, plan_population, truth
from tradelane.errors import InputError


def test_the_default_config_plans_a_population():
    cfg = load_config(shipments=200)
    plans = plan_population(cfg, 1_800_000_000)
    assert len(plans) == 200
    assert {p.route.destination for p in plans} == {"NLRTM", "USLAX", "DEDUI"}
    for p in plans:  # every shipment's milestones are recorded in time order
        assert [e.at for e in p.events] == sorted(e.at for e in p.events)
        acts = [e.event_time for e in p.events if e.classifier == "ACT"]
        assert acts == sorted(acts)
    values = truth(cfg)
    assert values[("CNSHA", "NLRTM", "Meridian Express")]["on_time"] > 0.85
    assert values[("CNSHA", "NLRTM", "Bluefin Box Line")]["on_time"] < 0.7


def _broken(tmp_path, change):
    data = json.loads(DEFAULT_CONFIG.read_text())
    change(data)
    path = tmp_path / "sim.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["lanes"][0]["delay"].update(ontime=0.5), r"unknown key\(s\) ontime"),
        (lambda d: d["lanes"][0]["delay"].update(on_time=1.5), "within 0..1"),
        (lambda d: d["population"].update(demand=[]), "demand is empty"),
        (lambda d: d["population"]["demand"].append({"from": "CNSHA", "to": "JPTYO"}), "JPTYO"),
        (lambda d: d["population"].update(shipmnts=3), r"unknown key\(s\) shipmnts"),
        (lambda d: d["lanes"][0].update(mode="teleport"), "teleport"),
    ],
)
def test_bad_configs_are_named(tmp_path, change, message):
    with pytest.raises(InputError, match=message):
        load_config(_broken(tmp_path, change))


def test_not_json(tmp_path):
    path = tmp_path / "sim.json"
    path.write_text("{nope")
    with pytest.raises(InputError, match="not JSON"):
        load_config(path)
