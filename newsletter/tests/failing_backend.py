"""An e-mail backend whose provider is down: every send raises."""

from django.core.mail.backends.base import BaseEmailBackend


class ProviderDown(Exception):
    pass


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ProviderDown("le fournisseur ne répond pas")
