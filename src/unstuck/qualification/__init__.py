"""Built-in qualification frameworks, as data (``frameworks/NAME.toml``).

The loader lives in :mod:`unstuck.diagnosis.qualification`; this package only ships the
files, so that ``importlib.resources`` finds them in a wheel as in a checkout.
"""
