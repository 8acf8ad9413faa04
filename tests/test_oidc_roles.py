"""Roles after an OIDC sign-in: from the token's `roles` claim, else the [oidc] editors list."""

from centrale.access.auth import role_from_claims


def test_roles_claim_names_the_editor():
    assert role_from_claims({"email": "a@idelux.be", "roles": ["viewer", "editor"]}, set()) == (
        "editor"
    )
    assert role_from_claims({"roles": "Éditeur"}, set()) == "editor"  # one string, any case


def test_viewer_unless_claim_or_list_says_editor():
    assert role_from_claims({"email": "a@idelux.be", "roles": ["viewer"]}, set()) == "viewer"
    assert role_from_claims({"email": "a@idelux.be"}, set()) == "viewer"
    assert role_from_claims({"email": "A@Idelux.be"}, {"a@idelux.be"}) == "editor"
    assert role_from_claims({}, {"a@idelux.be"}) == "viewer"
