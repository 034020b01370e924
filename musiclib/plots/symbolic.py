"""Plot helpers (symbolic). Re-exported by musiclib.plots."""

__all__: list = []
