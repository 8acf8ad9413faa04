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
