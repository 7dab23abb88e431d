"""Public pages of the subscribers and alerts: sign-up, confirmation, preferences, one-click
unsubscribe (RFC 8058) and alerts. None needs an account: the links are signed
(`links.py`). A bad, forged or expired link gets a French page with a 4xx, never a 500."""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from wagtail.models import Page

from home import limits
from home.headers import never_stored

from . import links
from . import subscriber_services as services
from .alerts import listing_state, listing_url
from .forms import AlertForm, PreferencesForm, SignupForm
from .models import AlertListing, SubscriberSource, SubscriberStatus

logger = logging.getLogger(__name__)

FORM_SOURCES = {
    "footer": SubscriberSource.FOOTER,
    "accueil": SubscriberSource.HOME,
    "page": SubscriberSource.PAGE,
}


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    base = {"noindex": True, "privacy_url": _privacy_url()}
    return never_stored(render(request, template, {**base, **context}, status=status))


def _privacy_url() -> str:
    page = Page.objects.live().filter(slug="donnees-personnelles").only("url_path").first()
    return page.url if page else ""


def _bad_link(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return _render(
        request,
        "newsletter/subscribers/bad_link.html",
        {"expired": expired, "signup_url": reverse("newsletter:signup")},
        status=HTTPStatus.GONE if expired else HTTPStatus.BAD_REQUEST,
    )


def _rate_limited(request: HttpRequest, verdict: limits.Verdict) -> HttpResponse:
    return limits.refused_form(request, verdict, back_url="/", back_label=_("Retour à l'accueil"))


# --- Sign-up ------------------------------------------------------------------------------


@csrf_protect
def signup(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method != "POST":
        source = request.GET.get("origine", "page")
        source = source if source in FORM_SOURCES else "page"
        form = SignupForm(initial={"email": request.GET.get("email", "")[:254]})
        return _render(
            request,
            "newsletter/subscribers/signup.html",
            {"form": form, "error_summary": [], "source": source},
        )
    verdict = limits.public_form(request, scope="newsletter-signup")
    if not verdict.allowed:
        logger.warning("Newsletter sign-up: rate limit reached")
        return _rate_limited(request, verdict)
    source = request.POST.get("origine", "page")
    source = source if source in FORM_SOURCES else "page"
    form = SignupForm(request.POST)
    if form.is_spam():
        logger.info("Newsletter sign-up: honeypot filled, submission dropped")
        return HttpResponseRedirect(reverse("newsletter:signup_sent"))
    form.check_fill_time()
    if form.is_valid():
        data = form.cleaned_data
        services.sign_up(
            email=data["email"],
            name=data["name"],
            interests=services.Interests(
                themes=data["themes"],
                sdgs=data["sdgs"],
                departements=data["departements"],
                content_kinds=data["content_kinds"],
            ),
            source=FORM_SOURCES.get(source, SubscriberSource.PAGE),
            consent_version=form.consent_version,
        )
        return HttpResponseRedirect(reverse("newsletter:signup_sent"))
    form.describe_errors()
    form.restart_timer()
    return _render(
        request,
        "newsletter/subscribers/signup.html",
        {"form": form, "error_summary": form.error_summary(), "source": source},
    )


def signup_sent(request: HttpRequest) -> HttpResponse:
    """The same answer whether the address was new, pending or already confirmed."""
    return _render(request, "newsletter/subscribers/signup_sent.html", {})


@csrf_protect
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a link scanner opening the e-mail confirms nothing); POST
    confirms."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    max_age = settings.NEWSLETTER_CONFIRMATION_MAX_AGE
    subscriber = links.subscriber_from_token(token, purpose=links.CONFIRM, max_age=max_age)
    if subscriber is None:
        expired = links.is_expired(token, purpose=links.CONFIRM, max_age=max_age)
        return _bad_link(request, expired=expired)
    if request.method == "POST":
        confirmed = services.confirm(subscriber=subscriber)
        if not confirmed:
            return _bad_link(request, expired=False)
        return _render(
            request,
            "newsletter/subscribers/confirmed.html",
            {"preferences_url": links.preferences_url(subscriber)},
        )
    return _render(
        request,
        "newsletter/subscribers/confirm.html",
        {"subscriber": subscriber, "already": subscriber.status == SubscriberStatus.CONFIRMED},
    )


# --- Preferences and unsubscribe ----------------------------------------------------------


@csrf_protect
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    subscriber = links.subscriber_from_token(token, purpose=links.PREFERENCES)
    if subscriber is None:
        return _bad_link(request, expired=False)
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST, instance=subscriber)
        if form.is_valid():
            form.save()
            saved = True
        else:
            form.describe_errors()
    else:
        form = PreferencesForm(instance=subscriber)
    return _render(
        request,
        "newsletter/subscribers/preferences.html",
        {
            "subscriber": subscriber,
            "form": form,
            "saved": saved,
            "error_summary": form.error_summary() if form.is_bound and not saved else [],
            "alerts": list(subscriber.alerts.order_by("created_at", "pk")),
            "token": token,
            "unsubscribe_url": reverse(
                "newsletter:unsubscribe",
                args=[links.make_token(subscriber, purpose=links.UNSUBSCRIBE)],
            ),
            "unsubscribed": subscriber.status == SubscriberStatus.UNSUBSCRIBED,
        },
    )


@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058: mail providers POST `List-Unsubscribe=One-Click` here, without cookies or
    CSRF token, hence the exemption (this view only ever unsubscribes the link's owner).
    The page's own button POSTs here too. GET only shows the button: scanners that open
    links unsubscribe nobody. Idempotent: a second POST answers the same."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    subscriber = links.subscriber_from_token(token, purpose=links.UNSUBSCRIBE)
    if subscriber is None:
        return _bad_link(request, expired=False)
    if request.method == "POST":
        services.unsubscribe(subscriber=subscriber)
        return _render(
            request,
            "newsletter/subscribers/unsubscribed.html",
            {"signup_url": reverse("newsletter:signup")},
        )
    return _render(
        request,
        "newsletter/subscribers/unsubscribe.html",
        {"subscriber": subscriber, "preferences_url": links.preferences_url(subscriber)},
    )


# --- Alerts -------------------------------------------------------------------------------


@csrf_protect
def alert_new(request: HttpRequest, listing: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if listing not in AlertListing.values:
        return _render(
            request, "newsletter/alerts/unknown_listing.html", {}, status=HTTPStatus.NOT_FOUND
        )
    # The filters travel in the query string of the form's own address.
    state = listing_state(listing, request.GET)
    context = {
        "state": state,
        "listing_url": listing_url(listing, state.query),
        "action": request.get_full_path(),
    }
    if request.method != "POST":
        return _render(
            request,
            "newsletter/alerts/new.html",
            {**context, "form": AlertForm(), "error_summary": []},
        )
    verdict = limits.public_form(request, scope="newsletter-alert")
    if not verdict.allowed:
        logger.warning("Newsletter alert: rate limit reached")
        return _rate_limited(request, verdict)
    form = AlertForm(request.POST)
    if form.is_spam():
        logger.info("Newsletter alert: honeypot filled, submission dropped")
        return _render(request, "newsletter/alerts/sent.html", context)
    form.check_fill_time()
    if form.is_valid():
        services.request_alert(
            email=form.cleaned_data["email"],
            listing=state.listing,
            query=state.query,
            label=state.label,
            frequency=form.cleaned_data["frequency"],
            consent_version=settings.NEWSLETTER_CONSENT_VERSION,
        )
        return _render(request, "newsletter/alerts/sent.html", context)
    form.describe_errors()
    form.restart_timer()
    return _render(
        request,
        "newsletter/alerts/new.html",
        {**context, "form": form, "error_summary": form.error_summary()},
    )


@csrf_protect
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    max_age = settings.NEWSLETTER_CONFIRMATION_MAX_AGE
    alert = links.alert_from_token(token, max_age=max_age)
    if alert is None:
        expired = links.is_expired(token, purpose=links.ALERT, max_age=max_age)
        return _bad_link(request, expired=expired)
    if request.method == "POST":
        if not services.confirm_alert(alert=alert):
            return _bad_link(request, expired=False)
        return _render(
            request,
            "newsletter/alerts/confirmed.html",
            {"alert": alert, "preferences_url": links.preferences_url(alert.subscriber)},
        )
    return _render(request, "newsletter/alerts/confirm.html", {"alert": alert})


@csrf_protect
def alert_delete(request: HttpRequest, token: str, alert_id: int) -> HttpResponse:
    """From the preferences page (its token): remove one alert."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    subscriber = links.subscriber_from_token(token, purpose=links.PREFERENCES)
    if subscriber is None:
        return _bad_link(request, expired=False)
    services.delete_alert(subscriber=subscriber, alert_id=alert_id)
    return HttpResponseRedirect(reverse("newsletter:preferences", args=[token]) + "#alertes")
