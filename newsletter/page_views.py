"""The views the letter pages answer with, registered by name (`home.routing`): the
archive's RSS feed and a letter's preview, as a web page or as the e-mail. The page models
name them, so that models never import what renders them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from home import routing

from .feeds import LetterFeed
from .models import LetterIndexPage, LetterPage
from .rendering import render_letter, sample_email


@routing.page_view("newsletter.letters_feed")
def letters_feed(request: HttpRequest, *, index: LetterIndexPage) -> HttpResponse:
    return LetterFeed(index=index)(request)


@routing.page_view("newsletter.letter_preview")
def letter_preview(request: HttpRequest, *, letter: LetterPage, mode_name: str) -> HttpResponse:
    rendered = render_letter(letter)
    if mode_name == "email":
        return sample_email(rendered, request=request)
    context = letter.get_context(request)
    context["web_html"] = rendered.web_html
    context["is_preview"] = True
    return TemplateResponse(request, letter.get_template(request), context)
