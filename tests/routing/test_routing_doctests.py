"""The docstring examples in the routing package run."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module", ["routing", "routing.encode", "routing.io", "routing.load", "routing.network",
               "routing.propose",
               "routing.query"],
)  # fmt: skip
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module))

    assert result.failed == 0
