"""The README's table of what each role may do, held against the roles every endpoint
declares (rating/access.py): a declaration changed without the README, or the README
promising what the code refuses, fails here."""

import re
from pathlib import Path

import pytest

from rating.access import PUBLIC, ROLES

README = Path(__file__).resolve().parents[2] / "README.md"
HEADER = "| area | leader | staff | advocacy | admin |"
WORDS = {"changes", "reads", "—"}


def readme_table() -> dict[str, dict[str, str]]:
    """{"/cycles": {"leader": "—", "staff": "changes", ...}, ...}: each cell's first word."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER) + 2  # the header, then its |---| line
    table = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        area, *cells = [cell.strip() for cell in line.strip("|").split("|")]
        path = re.match(r"`(/[^`]*)`", area)
        assert path, f"an area names its path in backticks: {area!r}"
        words = [cell.split(" ")[0] for cell in cells]
        assert set(words) <= WORDS, f"{area}: say changes, reads or —, not {words}"
        table[path.group(1).rstrip("/")] = dict(zip(ROLES, words, strict=True))
    return table


def declared(app) -> dict[str, dict[str, str]]:
    """The same, from the URL map: per first path segment, per role, "changes" when the
    role may use any of its endpoints with a method other than GET, "reads" when only GET."""
    areas: dict[str, dict[str, set]] = {}
    for rule in app.url_map.iter_rules():
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if allowed == PUBLIC or allowed is None:
            continue
        area = "/" + rule.rule.strip("/").split("/")[0]
        methods = rule.methods - {"HEAD", "OPTIONS"}
        for role in allowed:
            kinds = areas.setdefault(area, {}).setdefault(role, set())
            kinds.update("changes" if method != "GET" else "reads" for method in methods)
    return {area: {role: ("changes" if "changes" in kinds.get(role, ()) else
                          "reads" if kinds.get(role) else "—") for role in ROLES}
            for area, kinds in areas.items()}


def test_the_readme_role_table_says_what_the_declarations_allow(app):
    assert readme_table() == declared(app)


def test_the_table_holds_what_the_issue_found_wrong(app):
    table = readme_table()
    assert table["/escalation"]["advocacy"] == "changes"  # advocacy records letters
    assert table["/voice"]["advocacy"] == "reads"  # the prompts' sound, on the leaders' pages
    voice_page = app.view_functions["voice.index"].allowed_roles
    assert "advocacy" not in voice_page  # /voice/ itself answers 403


@pytest.mark.parametrize("line", ["| `/leader/` x | changes | — | — |"])
def test_a_row_with_a_missing_role_is_caught(line, tmp_path, monkeypatch):
    text = README.read_text(encoding="utf-8")
    start = text.index(HEADER)
    broken = text[:start] + HEADER + "\n|---|---|---|---|---|\n" + line + "\n\nafter\n"
    copy = tmp_path / "README.md"
    copy.write_text(broken, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.README", copy)
    with pytest.raises(ValueError):
        readme_table()
