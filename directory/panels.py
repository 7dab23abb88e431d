"""The map widget's panels, served with our vendored Leaflet instead of a CDN."""

from __future__ import annotations

from django import forms
from django.utils.functional import cached_property
from wagtail.admin.telepath import register
from wagtailgeowidget.panels import LeafletPanel
from wagtailgeowidget.widgets import LeafletField, LeafletFieldAdapter


class VendoredLeafletField(LeafletField):
    @cached_property
    def media(self) -> forms.Media:
        return forms.Media(
            css={
                "all": (
                    "vendor/leaflet/leaflet.css",
                    "wagtailgeowidget/css/leaflet-field.css",
                )
            },
            js=(
                "vendor/leaflet/leaflet.js",
                "wagtailgeowidget/js/leaflet-field.js",
                "wagtailgeowidget/js/leaflet-field-controller.js",
            ),
        )


register(LeafletFieldAdapter(), VendoredLeafletField)


class MapPanel(LeafletPanel):
    """`LeafletPanel` whose widget loads Leaflet from `site/static/vendor/`."""

    def widget_overrides(self) -> dict:
        widgets = super().widget_overrides()
        field = widgets[self.field_name]
        return {
            self.field_name: VendoredLeafletField(
                address_field=field.address_field,
                zoom_field=field.zoom_field,
                hide_latlng=field.hide_latlng,
                zoom=field.zoom,
                srid=field.srid,
                id_prefix=field.id_prefix,
            )
        }
