"""The one way the newsletter builds an e-mail to a subscriber (letters and alert digests):
styles inlined, the sender and reply address from settings, and RFC 8058 one-click
unsubscribe headers carrying the subscriber's own signed link."""

from __future__ import annotations

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from . import links
from .models import Subscriber

# Styles that cannot be inline (media queries) stay in their <style> element; nothing is
# fetched from the network.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def inline_css(html_body: str) -> str:
    """The document with its <style> rules moved into style attributes."""
    return _INLINER.inline(html_body)


def build_message(
    *, subscriber: Subscriber, subject: str, html_body: str, text_body: str
) -> EmailMultiAlternatives:
    """A multipart message (text, then HTML with inline styles) to one subscriber."""
    unsubscribe = links.unsubscribe_url(subscriber)
    reply_to = [settings.NEWSLETTER_REPLY_TO] if settings.NEWSLETTER_REPLY_TO else None
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        from_email=settings.NEWSLETTER_FROM_EMAIL,
        to=[subscriber.email],
        reply_to=reply_to,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(inline_css(html_body), "text/html")
    return message
