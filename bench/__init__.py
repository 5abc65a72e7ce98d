"""Mingze's benchmark (`make bench`): measurements at the scale of DESIGN.md's targets on
PostgreSQL, printed as `name: value` lines.

Layout, so more measurements can join:
- ``database.py`` makes a separate bench database from DATABASE_URL and sets Django up on it;
- ``data.py`` generates the organization repeatably from a seed (2,000 units × 30 assignments);
- ``registry.py`` holds ``@measurement``; every module in ``measurements/`` is imported and
  each registered function runs in turn, getting a ``Context`` and returning its lines.
"""
