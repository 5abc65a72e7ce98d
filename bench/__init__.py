"""Mingze's benchmark (`make bench`): measurements at the scale of DESIGN.md's targets on
PostgreSQL, printed as `name: value` lines. `make load` (load/) builds on the same data.

Layout, so more measurements can join:
- ``database.py`` makes a separate database from DATABASE_URL (``<name>_bench``) and sets
  Django up on it with ``settings.py``;
- ``data.py`` generates the organization repeatably from a seed (2,000 units × 30
  assignments by default), ``history.py`` ten periods of use on top (``sql.py``: made by
  the database, in bulk);
- ``timing.py`` times and profiles a page in-process, ``pages.py`` measures requests per
  second under gunicorn, ``mailsink.py`` counts e-mails at a local SMTP server;
- ``registry.py`` holds ``@measurement``; every module in ``measurements/`` is imported and
  each registered function runs in turn, getting a ``Context`` and returning its lines.
"""
