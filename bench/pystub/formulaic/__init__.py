"""Stand-in for the formulaic package, for bench/pylifelines.py only.

lifelines (0.27 and later) imports formulaic when it loads, for its
R-style formulas; Debian has no formulaic package, and the Kaplan-Meier
fitter and log-rank test that bench/compare-r.sh times never use it.
compare-r.sh puts this folder last on PYTHONPATH, so an installed formulaic
wins. Anything that does reach it fails loudly.
"""


class ModelSpec:
    def __init__(self, *args, **kwargs):
        raise ImportError("formulaic is not installed (bench/pystub stands in for it)")


def Formula(*args, **kwargs):
    raise ImportError("formulaic is not installed (bench/pystub stands in for it)")
