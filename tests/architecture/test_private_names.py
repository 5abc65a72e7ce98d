"""The private-names contract finds what it is meant to find (``make test`` runs it over
Mingze with ``lint-imports``; here it reads a small made-up tree)."""

from tests.architecture.private_names import private_uses


def test_it_finds_imported_and_attribute_uses_of_another_apps_private_names(tmp_path, monkeypatch):
    for folder in ("alpha", "beta", "beta/sub"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "alpha" / "rules.py").write_text("def _secret():\n    pass\n\n\ndef public():\n    pass\n")
    (tmp_path / "beta" / "sub" / "views.py").write_text(
        "from alpha.rules import _secret, public\n"
        "from alpha import rules\n"
        "from ..helpers import _own\n"
        "\n"
        "rules._secret()\n"
        "rules.public()\n"
        "rules.__name__\n"
    )
    monkeypatch.chdir(tmp_path)
    assert private_uses("beta.sub.views", {"alpha", "beta"}) == [(1, "alpha.rules._secret"), (5, "alpha.rules._secret")]
    assert private_uses("beta.sub.views", {"beta"}) == []
