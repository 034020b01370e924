"""The one ``ax=None`` rule shared by every plot helper."""


def axes_or_new(ax, figsize):
    """Return ``ax``, or the axes of a new figure of ``figsize`` (inches) when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax
