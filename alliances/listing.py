"""Every list page the same way: the app's FilterSet (the one its API uses) reads the query string,
Django's Paginator cuts the pages, the total is shown ("共 N 条"), and the page links keep the
filters. Nothing is cut silently; an export takes the same filters and every page."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpResponseBadRequest
from django.utils import timezone

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200  # the API's bound too (alliances.api.pagination)


@dataclass
class Listing:
    filterset: object
    page: Page
    query: str  # the filters, without the page: for page links and the export link

    @property
    def form(self):
        return self.filterset.form

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def rows(self):
        return self.page.object_list


def filtered(request, filterset_class, queryset, **kwargs):
    """(filterset, rows): the rows the filters select, or none while the filters are invalid (the
    form then shows its errors; a page never guesses what a bad filter meant)."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request, **kwargs)
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())


def page_size(request) -> int:
    raw = request.GET.get("page_size", "")
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE_SIZE:
        return int(raw)
    return PAGE_SIZE


def listing(request, filterset_class, queryset, **kwargs) -> Listing:
    filterset, rows = filtered(request, filterset_class, queryset, **kwargs)
    page = Paginator(rows, page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return Listing(filterset=filterset, page=page, query=query.urlencode())


def context(listing: Listing, name: str = "rows") -> dict:
    """The template context of a list: `listing` (for the includes) and its rows under `name`."""
    return {"listing": listing, name: listing.rows, "filter_form": listing.form}


class ListPageMixin:
    """For a TemplateView whose context holds a `listing`: invalid filters answer 400 with the form's errors."""

    def render_to_response(self, context, **kwargs):
        current = context.get("listing")
        if current is not None and current.filterset.errors:
            kwargs.setdefault("status", 400)
        return super().render_to_response(context, **kwargs)


def bad_filters(filterset) -> HttpResponseBadRequest:
    """An export asked with invalid filters: 400 with the fields' messages, no file."""
    text = " ".join(f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in filterset.errors.items())
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


def local_text(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time as the alliance reads it (Asia/Shanghai), for an export cell."""
    return timezone.localtime(moment).strftime(fmt) if moment else ""
