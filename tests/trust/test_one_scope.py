"""Who sees what is decided in one module, ``responsibilities/access.py`` (DESIGN.md, "Who
sees what (one module decides it)"): no other code filters by a unit's path or by the posts
a person holds, so a rule added there (the 纪检监察组's 内部 files, a post holder's
handover) reaches every page, export and link at once."""

import re
from pathlib import Path

from django.conf import settings

# A subtree by materialized path, a person's held posts, or the old per-request cache.
FORBIDDEN = re.compile(r"path__startswith|_held_unit|_mingze_held|posts__holder|holder=(request\.)?user\b")
ALLOWED = {
    "responsibilities/access.py",  # the one module
    "responsibilities/models.py",  # Unit.subtree(): the tree's own definition of a subtree
}
SKIPPED_FOLDERS = {".venv", "node_modules", "tests", "migrations", "bench", "var", "static", "load"}


def python_files():
    base = Path(settings.BASE_DIR)
    for path in base.rglob("*.py"):
        relative = path.relative_to(base)
        if not SKIPPED_FOLDERS.intersection(relative.parts):
            yield relative.as_posix(), path


def test_no_code_outside_the_scope_module_filters_by_held_posts_or_subtree():
    found = [
        f"{name}:{n}: {line.strip()}"
        for name, path in python_files()
        if name not in ALLOWED
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]
    assert found == [], "\n".join(found)


def test_the_guard_sees_what_it_forbids():
    assert FORBIDDEN.search("Report.objects.filter(unit__path__startswith=unit.path)")
    assert FORBIDDEN.search("Post.objects.filter(holder=request.user, active=True)")
    assert not FORBIDDEN.search("access.visible(user, Report.objects.all())")
