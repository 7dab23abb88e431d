"""A letter rendered once: its e-mail (HTML with inline styles, and plain text) and its web
version, with markers where each subscriber's own links go. Personalising a rendered letter
for one subscriber is then a string replacement (`personalise`), cheap enough for thousands
of messages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from wagtail.models import Site

from home.page_cache import is_tracking

from . import links
from .composition import Section, sections
from .mailing import inline_css
from .models import LetterPage, Subscriber

# Replaced, per subscriber, by its signed links.
PREFERENCES_MARKER = "https://newsletter.invalid/preferences"
UNSUBSCRIBE_MARKER = "https://newsletter.invalid/unsubscribe"

_LINK = re.compile(r'(?P<attr>\b(?:href|src))="(?P<url>[^"]*)"')


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    preheader: str
    web_html: str  # the body of the web version (site layout around it)
    email_html: str  # a whole HTML document, styles inline, with the markers
    email_text: str  # the plain-text part, with the markers
    web_url: str


def site_root_url(letter: LetterPage | None = None) -> str:
    """The site's root URL for absolute links (the letter's site, else the admin's base)."""
    site = letter.get_site() if letter is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    root = site.root_url if site is not None else ""
    return (root or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def clean_url(url: str, root: str, *, escape: bool = True) -> str:
    """An absolute URL without tracking parameters; anchors, mailto: and tel: kept."""
    url = html.unescape(url)
    if url.startswith("/") and not url.startswith("//"):
        url = root + url
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.query:
        query = [
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)
        ]
        url = urlunsplit(parts._replace(query=urlencode(query)))
    return html.escape(url, quote=True) if escape else url


def absolute_links(document: str, root: str) -> str:
    """Every href and src of the document absolute and free of tracking parameters."""
    return _LINK.sub(lambda m: f'{m["attr"]}="{clean_url(m["url"], root)}"', document)


def html_to_text(fragment: str, root: str) -> str:
    """Rich text as plain text: paragraphs on lines of their own, links followed by their
    absolute address."""
    fragment = re.sub(
        r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>',
        lambda m: f"{m[2]} ({clean_url(m[1], root, escape=False)})",
        fragment,
        flags=re.S,
    )
    fragment = re.sub(r"<li\b[^>]*>", "- ", fragment)
    fragment = re.sub(r"</(p|li|h\d)>|<br\s*/?>", "\n", fragment)
    lines = (line.strip() for line in html.unescape(strip_tags(fragment)).splitlines())
    return "\n".join(line for line in lines if line)


def render_letter(letter: LetterPage, *, resolved: list[Section] | None = None) -> RenderedLetter:
    """Render the letter once (its current content, automatic blocks filled now)."""
    root = site_root_url(letter)
    resolved = sections(letter) if resolved is None else resolved
    web_url = letter.get_full_url() or root + "/lettres/"
    context = {
        "letter": letter,
        "subject": letter.title,
        "preheader": letter.preheader,
        "sections": resolved,
        "web_url": web_url,
        "site_name": getattr(letter.get_site(), "site_name", "") or settings.WAGTAIL_SITE_NAME,
        "root_url": root,
        "preferences_url": PREFERENCES_MARKER,
        "unsubscribe_url": UNSUBSCRIBE_MARKER,
    }
    email_html = render_to_string("newsletter/email/letter.html", context)
    email_html = inline_css(absolute_links(email_html, root))
    text_sections = [
        {"section": section, "text": html_to_text(section.html, root) if section.html else ""}
        for section in resolved
    ]
    email_text = render_to_string(
        "newsletter/email/letter.txt", {**context, "text_sections": text_sections}
    )
    web_html = render_to_string("newsletter/letters/web_body.html", context)
    return RenderedLetter(
        subject=letter.title,
        preheader=letter.preheader,
        web_html=web_html,
        email_html=email_html,
        email_text=re.sub(r"\n{3,}", "\n\n", email_text).strip() + "\n",
        web_url=web_url,
    )


def personalise(document: str, subscriber: Subscriber) -> str:
    """The rendered letter with this subscriber's own links."""
    return document.replace(PREFERENCES_MARKER, links.preferences_url(subscriber)).replace(
        UNSUBSCRIBE_MARKER, links.unsubscribe_url(subscriber)
    )


def sample_email(rendered: RenderedLetter, *, request: HttpRequest) -> HttpResponse:
    """The admin's e-mail preview: the HTML part as a subscriber gets it (sample links)."""
    sample = Subscriber(email=getattr(request.user, "email", "") or "apercu@example.org")
    return HttpResponse(personalise(rendered.email_html, sample))
