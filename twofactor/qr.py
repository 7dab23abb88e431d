"""The enrolment's QR code as inline SVG: drawn on the server, no image request, no external
service (the code holds the account's secret)."""

from __future__ import annotations

import qrcode
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from qrcode.image.svg import SvgPathFillImage


def qr_code_svg(data: str, *, label: str) -> SafeString:
    """An SVG image of `data`, on a white background (readable in the admin's dark theme),
    announced to screen readers by `label`."""
    image = qrcode.make(
        data,
        image_factory=SvgPathFillImage,
        box_size=15,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    # The library's markup holds only the drawing; the label is escaped.
    return mark_safe(  # noqa: S308
        svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1)
    )
