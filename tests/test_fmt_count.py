"""French plurals for counts shown on screen: 0 and 1 take the singular."""

from centrale import fmt


def test_zero_and_one_are_singular_two_and_more_plural():
    assert fmt.count(0, "commande en retard", "commandes en retard") == "0 commande en retard"
    assert fmt.count(1, "commande en retard", "commandes en retard") == "1 commande en retard"
    assert fmt.count(3, "commande en retard", "commandes en retard") == "3 commandes en retard"


def test_default_plural_adds_s_to_a_single_word_unless_it_ends_in_s_or_x():
    assert fmt.count(2, "commune") == "2 communes"
    assert fmt.count(5, "prix") == "5 prix"


def test_thousands_are_belgian():
    assert fmt.count(12345, "commande", "commandes") == "12\u00a0345 commandes"


def test_one_plural_rule_in_the_whole_core():
    """fmt.count is the only plural helper: no module writes its own (three wrote « prixs »)."""
    import re

    from centrale.config import REPO_ROOT

    own = [
        str(path.relative_to(REPO_ROOT))
        for folder in ("centrale", "ui", "pages", "reports")
        for path in (REPO_ROOT / folder).rglob("*.py")
        if re.search(r"^def _?plural\(", path.read_text("utf-8"), re.M)
    ]
    assert own == []
    assert fmt.count(3, "gaz") == "3 gaz"
