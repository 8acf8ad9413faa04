"""Who is using the dashboard, and what they may do: sign-in, roles, visible pages.

Three ways to run, chosen by what is configured:

- **OIDC** — an `[auth]` section in `.streamlit/secrets.toml`: Streamlit's
  native `st.login` (the organisation's identity provider). Editors are the
  e-mails listed under `[oidc] editors` of the users file; others are viewers.
- **Local accounts** — a users file (`data/users.toml`, or $CENTRALE_USERS)
  made with `python -m etl user add NAME --role editor`.
- **Open** — neither: a single-user laptop. Everyone is editor, and the
  sidebar says so.

Whether viewers must sign in is the setting CENTRALE_REQUIRE_LOGIN=1
(default: anyone may read; signing in is needed only to change data).
Pages call `is_editor()`; `dashboard.py` lists pages through `visible_pages`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

from centrale import auth
from centrale.auth import User

SESSION_KEY = "auth_user"  # {"name", "role", "method"} of a local sign-in
EDITOR_PAGES = {"data"}  # url paths of the pages only editors see
OPEN_USER = User("poste local", "editor", "open")


def _secrets_auth() -> Mapping | None:
    try:
        section = st.secrets.get("auth") if "auth" in st.secrets else None
    except Exception:  # no secrets.toml at all: not configured
        return None
    return section or None


def oidc_providers() -> list[str | None]:
    """[None] for a single provider set directly in [auth], else the named providers."""
    section = _secrets_auth()
    if not section:
        return []
    if "client_id" in section:
        return [None]
    return [name for name, value in section.items() if isinstance(value, Mapping)]


def mode() -> str:
    """'oidc', 'local' or 'open' (see the module docstring)."""
    if oidc_providers():
        return "oidc"
    if auth.local_users():
        return "local"
    return "open"


def login_required() -> bool:
    """The CENTRALE_REQUIRE_LOGIN setting: must viewers sign in too?"""
    return os.environ.get("CENTRALE_REQUIRE_LOGIN", "0").strip().lower() in (
        "1",
        "true",
        "oui",
        "yes",
    )


def _oidc_user() -> User | None:
    try:
        if not st.user.is_logged_in:
            return None
        claims = st.user.to_dict()
    except Exception:  # st.user unavailable (no auth configured in this run)
        return None
    email = str(claims.get("email") or "").lower()
    name = str(claims.get("name") or email or "utilisateur")
    return User(email or name, auth.role_from_claims(claims, auth.oidc_editors()), "oidc")


def current_user() -> User | None:
    """The signed-in user (or the open-mode user); None for an anonymous visitor."""
    current = mode()
    if current == "open":
        return OPEN_USER
    stored = st.session_state.get(SESSION_KEY)
    if stored and stored.get("method") == "local" and current == "local":
        return User(stored["name"], stored["role"], "local")
    if current == "oidc":
        return _oidc_user()
    return None


def is_editor() -> bool:
    """May the current user import data, record survey answers and restore loads?"""
    user = current_user()
    return bool(user and user.is_editor)


def may_read() -> bool:
    """False only when sign-in is required and nobody is signed in."""
    return current_user() is not None or not login_required()


def loaded_by() -> str:
    """The name written in the load log for a change made by the current user."""
    user = current_user()
    return user.name if user else "anonyme"


def visible_pages(pages: dict[str, list]) -> dict[str, list] | list:
    """The navigation for the current user: editor pages only for editors.

    When sign-in is required and nobody is signed in, only the sign-in page.
    """
    if not may_read():
        return [
            st.Page(sign_in_page, title="Connexion", icon=":material/login:", url_path="connexion")
        ]
    editor = is_editor()
    shown = {}
    for section, section_pages in pages.items():
        kept = [p for p in section_pages if editor or p.url_path not in EDITOR_PAGES]
        if kept:
            shown[section] = kept
    return shown


def require_editor() -> None:
    """Stop the page here, with a French explanation, unless the user is an editor."""
    if is_editor():
        return
    st.warning(
        "**Accès réservé aux éditeurs.** Connectez-vous avec un compte éditeur pour "
        "importer des données, enregistrer des réponses ou restaurer un chargement."
    )
    st.stop()


def _sign_in_form(container, key: str) -> None:
    with container.form(key=f"auth_form_{key}", clear_on_submit=True):
        name = st.text_input("Nom d'utilisateur", key=f"auth_name_{key}")
        password = st.text_input("Mot de passe", type="password", key=f"auth_password_{key}")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        # Failures slow down the name tried and the address trying (None when unknown).
        outcome = auth.sign_in(name, password, address=st.context.ip_address)
        if outcome.user:
            st.session_state[SESSION_KEY] = {
                "name": outcome.user.name,
                "role": outcome.user.role,
                "method": "local",
            }
            st.rerun()
        container.error(outcome.message)


def _oidc_buttons(container, key: str) -> None:
    for provider in oidc_providers():
        label = "Se connecter" if provider is None else f"Se connecter avec {provider}"
        if container.button(label, key=f"auth_oidc_{key}_{provider}", type="primary"):
            st.login(provider) if provider else st.login()


def sign_in_page() -> None:
    """The only page shown when sign-in is required and nobody is signed in."""
    st.title("Connexion")
    st.write(
        "Ce tableau de bord est réservé aux personnes autorisées. Connectez-vous pour "
        "consulter les données de la centrale d'achats Smart."
    )
    if mode() == "oidc":
        _oidc_buttons(st, "page")
    elif mode() == "local":
        _sign_in_form(st, "page")
    else:
        st.error(
            "La connexion est exigée (CENTRALE_REQUIRE_LOGIN) mais aucun compte n'existe. "
            "Créez-en un sur le poste serveur : `python -m etl user add NOM --role editor`."
        )


def draw_account_box() -> None:
    """Who is signed in, in the sidebar, with sign-in / sign-out."""
    user = current_user()
    box = st.sidebar.container(border=True)
    if user and user.method == "open":
        box.caption(
            ":material/lock_open: **Mode poste unique** : aucun compte n'est configuré, "
            "toute personne utilisant ce poste peut modifier les données. "
            "Pour réserver l'import à quelques personnes, voir la page Aide."
        )
        return
    if user:
        box.markdown(f":material/person: **{user.name}** — {auth.ROLE_LABELS[user.role]}")
        if box.button("Se déconnecter", key="auth_sign_out"):
            if user.method == "oidc":
                st.logout()
            st.session_state.pop(SESSION_KEY, None)
            st.rerun()
        return
    if not may_read():
        box.caption("Connectez-vous pour consulter le tableau de bord.")
        return
    box.caption(
        ":material/visibility: Consultation. Les éditeurs se connectent pour importer des données."
    )
    with box.expander("Se connecter"):
        if mode() == "oidc":
            _oidc_buttons(st, "sidebar")
        else:
            _sign_in_form(st, "sidebar")
