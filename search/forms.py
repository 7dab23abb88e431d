from django import forms
from django.utils.translation import gettext_lazy as _

# Longer queries are cut: nobody types more, and the database backend's cost grows with it.
MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher sur le site"), required=False, strip=True)

    def clean_q(self) -> str:
        # Control characters (NUL breaks PostgreSQL) are dropped; the rest is cut to the cap.
        value = "".join(ch for ch in self.cleaned_data["q"] if ch.isprintable())
        return " ".join(value.split())[:MAX_QUERY_LENGTH]
