"""The built-in playbook, as data: ``plays/<play_id>/play.toml`` and ``draft.md.j2``.

The loader lives in :mod:`unstuck.diagnosis.playbook`; this package only ships the
files, so that ``importlib.resources`` finds them in a wheel as in a checkout.
"""
