"""Pages: the country list, a country page, and the staff's editor of a country's policy."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.forms.errors import form_add_service_errors
from hub.forms.countries import (
    CountryItemFormSet,
    CountryPageForm,
    country_items_cleaned,
    country_items_initial,
)
from hub.models import CountryGroup, CountryItemKind
from hub.selectors.countries import country_get, country_index, user_can_edit_countries
from hub.services.countries import country_page_save

SECTIONS = [
    (CountryItemKind.PROGRAMME, "programmes", gettext_lazy("Cluster programmes")),
    (CountryItemKind.SUPPORT, "support", gettext_lazy("Support measures")),
    (CountryItemKind.CONTACT, "contacts", gettext_lazy("Contacts")),
]


def country_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hub/countries/list.html",
        {"groups": country_index(), "third": CountryGroup.THIRD},
    )


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    view = country_get(code)
    if code != view.code.lower():
        return redirect("countries-detail", code=view.code.lower(), permanent=True)
    sections = [
        (title, anchor, view.items_of(kind))
        for kind, anchor, title in SECTIONS
        if view.items_of(kind)
    ]
    return render(
        request,
        "hub/countries/detail.html",
        {
            "country": view,
            "page": view.page,
            "sections": sections,
            "cooperation": view.items_of(CountryItemKind.COOPERATION),
            "directory_url": f"{reverse('directory')}?{urlencode({'country': view.code})}",
            "calls_url": f"{reverse('calls-list')}?{urlencode({'country': view.code})}",
            "can_edit": user_can_edit_countries(request.user),
        },
    )


@login_required
def country_edit(request: HttpRequest, code: str) -> HttpResponse:
    view = country_get(code)
    if not user_can_edit_countries(request.user):
        raise PermissionDenied
    page = view.page
    initial = (
        {"overview": page.overview, "language": page.language, "strategic": page.strategic}
        if page
        else {}
    )
    post = request.POST if request.method == "POST" else None
    form = CountryPageForm(post, initial=initial)
    formset = CountryItemFormSet(post, initial=country_items_initial(page), prefix="items")
    if post is not None and form.is_valid() and formset.is_valid():
        try:
            country_page_save(
                user=request.user,  # type: ignore[arg-type]
                code=view.code,
                overview=form.cleaned_data["overview"],
                language=form.cleaned_data["language"] or "",
                strategic=form.cleaned_data["strategic"],
                items=country_items_cleaned(formset),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The page of %(country)s is saved.") % {"country": view.name}
            )
            return redirect("countries-detail", code=view.code.lower())
    status = 400 if post is not None else 200
    return render(
        request,
        "hub/countries/form.html",
        {"country": view, "form": form, "formset": formset},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("", country_list, name="countries-list"),
    path("<str:code>/", country_detail, name="countries-detail"),
    path("<str:code>/edit/", country_edit, name="countries-edit"),
]
