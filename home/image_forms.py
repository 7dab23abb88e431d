"""The admin's image upload form (`WAGTAILIMAGES_IMAGE_FORM_BASE`): a file that starts like
an image but cannot be read is refused with a message, not a 500."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

UNREADABLE_IMAGE = _(
    "Ce fichier n'est pas une image lisible : il est tronqué, abîmé ou n'a d'image que "
    "l'en-tête. Enregistrez-le de nouveau depuis un logiciel d'image, puis déposez-le."
)
# What Pillow raises on a truncated or forged file (a GIF header followed by HTML...).
READ_ERRORS = (OSError, SyntaxError, ValueError, EOFError, PILImage.DecompressionBombError)


class ReadableImageField(WagtailImageField):
    """Wagtail's field reads the image's size after its own guarded open; a file whose
    header is an image's but whose data is not (a polyglot, a cut upload) made Pillow raise
    there, uncaught."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except READ_ERRORS as exc:
            raise ValidationError(UNREADABLE_IMAGE, code="invalid_image") from exc


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        # Wagtail builds the field itself (`formfield_for_dbfield`); this form is the hook
        # it offers, so the field becomes its guarded subclass here (same state, no copy).
        if type(field) is WagtailImageField:
            field.__class__ = ReadableImageField
