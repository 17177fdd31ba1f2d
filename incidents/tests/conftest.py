"""Fixtures of the incidents tests."""

import pytest

from incidents.domain import catalogue


@pytest.fixture
def fresh_builtin_cache():
    """The process's cache of built-in states, empty before and after: what a test puts in
    it would outlive the test's rolled-back transaction."""
    catalogue._BUILTIN_CACHE.clear()
    yield catalogue._BUILTIN_CACHE
    catalogue._BUILTIN_CACHE.clear()
