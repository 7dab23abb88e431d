from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail.contrib.search_promotions.models import Query

from .forms import SearchForm
from .selectors import search_pages

RESULTS_PER_PAGE = 10


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page_obj = None
    if query:
        results = search_pages(query=query)
        paginator = Paginator(results, RESULTS_PER_PAGE)
        # `get_page` turns page=abc, page=-1 or page=99999 into a valid page.
        page_obj = paginator.get_page(request.GET.get("page"))
        Query.get(query).add_hit()
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "form": form,
            "search_query": query,
            "page_obj": page_obj,
            "elided_range": (
                page_obj.paginator.get_elided_page_range(page_obj.number) if page_obj else []
            ),
            "noindex": True,
        },
    )
