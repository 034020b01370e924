"""Shared fixtures. Every random test draws from the seeded ``rng`` fixture."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture
def rng():
    """A freshly seeded NumPy generator, so each test is repeatable on its own."""
    return np.random.default_rng(20261129)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
