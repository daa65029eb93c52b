"""The home is found the same from any working directory; a bad one is a clear error."""

from __future__ import annotations

import json

from tradelane.node import Anvil


def test_the_default_home_is_the_same_from_any_working_directory(invoke, tmp_path, monkeypatch):
    xdg = tmp_path / "xdg"
    with Anvil() as node:
        env = {"TRADELANE_HOME": None, "XDG_DATA_HOME": str(xdg), "TRADELANE_RPC": node.url}
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        monkeypatch.chdir(tmp_path / "a")
        deployed = json.loads(invoke("deploy", "--json", extra_env=env).stdout)
        monkeypatch.chdir(tmp_path / "b")
        again = json.loads(invoke("deploy", "--json", extra_env=env).stdout)

    assert (xdg / "tradelane" / "deployments.json").exists()
    assert again["address"] == deployed["address"] and again["deployed_now"] is False
    assert not (tmp_path / "a" / ".tradelane").exists()


def test_a_home_that_is_a_file_is_refused_before_anything_is_sent(invoke, tmp_path, anvil, tl):
    path = tmp_path / "home-file"
    path.write_text("not a folder")
    nonce = tl.chain.w3.eth.get_transaction_count(tl.chain.address("deployer"))

    result = invoke("deploy", "--force", extra_env={"TRADELANE_HOME": str(path)}, ok=False)

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.count("error:") == 1
    assert f"TRADELANE_HOME={path} is a file, not a folder" in result.output
    assert tl.chain.w3.eth.get_transaction_count(tl.chain.address("deployer")) == nonce
    assert path.read_text() == "not a folder"
