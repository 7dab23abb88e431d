"""Logging in with an e-mail address or a username.

People know their e-mail address, rarely the identifier an invitation gave them: the admin's
login accepts either, the address in any case. django-axes counts failures per account
whichever of the two was typed (`axes_username`), so alternating them gains no attempts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

# Accounts sharing one address tried at most (an address normally has one account).
MAX_ACCOUNTS_PER_EMAIL = 5


def accounts_for(identifier: str) -> list:
    """The account whose username is exactly `identifier`, else the accounts whose e-mail
    address is `identifier` in any case."""
    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier:
        return []
    by_username = User._default_manager.filter(**{User.USERNAME_FIELD: identifier}).first()
    if by_username is not None:
        return [by_username]
    if "@" not in identifier:
        return []
    return list(
        User._default_manager.filter(email__iexact=identifier).order_by("pk")[
            :MAX_ACCOUNTS_PER_EMAIL
        ]
    )


class EmailOrUsernameBackend(ModelBackend):
    """Django's ModelBackend, finding the account by username or by e-mail address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        accounts = accounts_for(username)
        if not accounts:
            # As long as a wrong password: the answer time does not tell who has an account.
            get_user_model()().set_password(password)
            return None
        for user in accounts:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The key django-axes counts failures under: the account's username when the typed
    identifier names one account, else what was typed, lower-cased."""
    typed = ((credentials or {}).get("username") or "").strip()
    accounts = accounts_for(typed)
    if len(accounts) == 1:
        return accounts[0].get_username()
    return typed.lower()


class LoginForm(WagtailLoginForm):
    """Wagtail's login form, in French, asking for an e-mail address or an identifier."""

    error_messages = {
        **WagtailLoginForm.error_messages,
        "invalid_login": _(
            "Adresse électronique, identifiant ou mot de passe incorrect. Veuillez réessayer."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("Adresse électronique ou identifiant")
        username.widget.attrs.update(
            {"placeholder": _("prenom.nom@structure.org"), "autocomplete": "username"}
        )
        password = self.fields["password"]
        password.label = _("Mot de passe")
        password.widget.attrs.update(
            {"placeholder": _("Votre mot de passe"), "autocomplete": "current-password"}
        )
        self.fields["remember"].label = _("Se souvenir de moi")
