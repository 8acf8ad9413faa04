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

A local sign-in survives a page reload: the session keeps a signed cookie
value (`centrale.access.sessions`), handed to the browser by `ui/session_routes.py`
as an HttpOnly, SameSite=Strict cookie; a new session (F5, a new tab) reads it
from `st.context.cookies`. Every run checks it again (expiry, sign-out,
removed account or changed password) and takes the role from the users file.
Pages call `is_editor()`; `dashboard.py` lists pages through `visible_pages`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import streamlit as st

from centrale.access import auth, sessions
from centrale.access.auth import User
from centrale.config import env_text
from centrale.plaintext import plain
from ui.page_list import EDITOR_PAGES
from ui.session_routes import CLOSE_PATH, OPEN_PATH

SESSION_KEY = "auth_user"  # {"name", "method", "cookie"} of a local sign-in
COOKIE_STEP_KEY = "auth_cookie_step"  # the browser's next cookie request: (path, body)
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
    return (env_text("CENTRALE_REQUIRE_LOGIN") or "0").lower() in (
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


def _local_user() -> User | None:
    """The local account of this session, or of this browser's sign-in cookie (after F5).

    Checked at every call: an expired or revoked sign-in, a removed account or a
    changed password signs the session out; the role is the users file's.
    """
    stored = st.session_state.get(SESSION_KEY)
    if stored and stored.get("method") == "local":
        value = stored.get("cookie")
        # Without a cookie value (none could be issued): the account as the file has it.
        user = sessions.verify(value) if value else auth.account(stored.get("name", ""))
    else:
        value = st.context.cookies.get(sessions.COOKIE_NAME)
        user = sessions.verify(value) if value else None
        if user is not None:
            st.session_state[SESSION_KEY] = {"name": user.name, "method": "local", "cookie": value}
    if user is None:
        st.session_state.pop(SESSION_KEY, None)
    return user


def current_user() -> User | None:
    """The signed-in user (or the open-mode user); None for an anonymous visitor."""
    current = mode()
    if current == "open":
        return OPEN_USER
    if current == "local":
        return _local_user()
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


def _client_address() -> str:
    """The signing-in person's address: the connection's, or the trusted proxy's word."""
    try:
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # no request headers (AppTest)
        forwarded = None
    return auth.client_address(st.context.ip_address, forwarded)


def _sign_in_form(container, key: str) -> None:
    with container.form(key=f"auth_form_{key}", clear_on_submit=True):
        name = st.text_input("Nom d'utilisateur", key=f"auth_name_{key}")
        password = st.text_input("Mot de passe", type="password", key=f"auth_password_{key}")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        # Failures slow down this name from this address, and this address.
        outcome = auth.sign_in(name, password, address=_client_address())
        if outcome.user:
            try:
                value = sessions.issue(outcome.user.name)
            except OSError:  # no writable place for the key: signed in until the tab closes
                value = None
            st.session_state[SESSION_KEY] = {
                "name": outcome.user.name,
                "method": "local",
                "cookie": value,
            }
            if value:  # the next run has the browser fetch its cookie with a one-time token
                token = sessions.HANDOFF.issue(value)
                st.session_state[COOKIE_STEP_KEY] = (OPEN_PATH, f"jeton={token}")
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


def _sign_out_local() -> None:
    """End the local sign-in here, in every tab and after F5: the cookie values this
    session knows are revoked on the server, and the browser is asked to drop its cookie."""
    stored = st.session_state.pop(SESSION_KEY, None) or {}
    for value in {stored.get("cookie"), st.context.cookies.get(sessions.COOKIE_NAME)} - {None}:
        sessions.revoke(value)
    st.session_state[COOKIE_STEP_KEY] = (CLOSE_PATH, "")


def _cookie_step() -> None:
    """Send the browser to the cookie route asked for by the last sign-in or sign-out.

    A same-origin `fetch` from the page itself (the cookie is HttpOnly: no
    script ever reads it); drawn once, in a hidden container.
    """
    step = st.session_state.pop(COOKIE_STEP_KEY, None)
    if not step:
        return
    path, body = step
    script = (
        f"fetch({json.dumps(path)}, {{method: 'POST', credentials: 'same-origin', "
        "headers: {'Content-Type': 'application/x-www-form-urlencoded'}, "
        f"body: {json.dumps(body)}}});"
    )
    with st.container(key="centrale-session"):
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def draw_account_box() -> None:
    """Who is signed in, in the sidebar, with sign-in / sign-out."""
    _cookie_step()
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
        box.markdown(f":material/person: **{plain(user.name)}** — {auth.ROLE_LABELS[user.role]}")
        if box.button("Se déconnecter", key="auth_sign_out"):
            if user.method == "oidc":
                st.logout()  # Streamlit's own cookie and redirect
            else:
                _sign_out_local()
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
