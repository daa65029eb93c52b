"""Which index the app reads: /lanes reads the backend's own (not TRADELANE_DB or the home's
file), and a server told not to follow refuses, in one line, an index nobody keeps."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tradelane.web import create_app


def test_lanes_read_the_apps_own_index_and_create_no_file_in_home(
    tl, journey, tmp_path, monkeypatch
):
    home = tmp_path / "home"
    monkeypatch.setenv("TRADELANE_HOME", str(home))
    monkeypatch.delenv("TRADELANE_DB", raising=False)
    journey("delivered")
    app = create_app(tl, max_index_age=0)  # a throwaway index of its own
    with TestClient(app) as client:
        assert client.get("/api/health").status_code == 200  # the index caught up
        report = client.get("/api/lanes").json()
        page = client.get("/lanes")
    assert "CNSHA-SGSIN" in {row["lane"] for row in report["lanes"]}
    assert page.status_code == 200 and "CNSHA-SGSIN" in page.text
    assert app.state.backend.store().url == app.state.backend.index.store.url
    assert not list(home.rglob("*.sqlite*")), "the app opened a database in TRADELANE_HOME"


def test_no_index_follow_without_an_index_answers_503_and_creates_nothing(tl, tmp_path, friendly):
    missing = tmp_path / "nobody-keeps-this.sqlite"
    app = create_app(tl, index_url=f"sqlite:///{missing}", index_follow=False)
    with TestClient(app) as client:
        page = client.get("/shipment/1")
        lanes = client.get("/api/lanes")
    friendly(page, 503, "there is no index at", "tradelane index --follow")
    friendly(lanes, 503, "there is no index at")
    assert not missing.exists()
