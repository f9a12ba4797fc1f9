"""The directory's filters: one FilterSet for the API, the export, the map and the pages.

Its form validates every parameter, so a malformed value (unknown country or ecosystem slug,
a number that is not one, an unknown sort) is reported against the parameter it came in,
never turned into a 500 or silently ignored.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.best_effort_cache import cache_get, cache_set
from community.forms.pickers import CheckboxPicker
from community.models import (
    Ecosystem,
    ExcellenceLabel,
    Organisation,
    OrganisationType,
)
from community.search import MAX_QUERY_LENGTH, apply_text_search, postgres_query_sql

# Members ranges (members_total): name -> (min inclusive, max inclusive or None).
SIZE_RANGES: dict[str, tuple[int, int | None]] = {
    "small": (0, 49),
    "medium": (50, 249),
    "large": (250, None),
}
SIZE_CHOICES = [
    ("small", _("Small (fewer than 50 members)")),
    ("medium", _("Medium (50 to 249 members)")),
    ("large", _("Large (250 members or more)")),
]
LABEL_ANY = "any"
LABEL_CHOICES = [
    (LABEL_ANY, _("Any excellence label")),
    *[(value, label) for value, label in ExcellenceLabel.choices if value],
]
SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("name", _("Name")),
    ("newest", _("Newest")),
    ("members", _("Most members")),
    ("country", _("Country")),
]
SORT_ORDERINGS: dict[str, list[str]] = {
    "name": ["name", "pk"],
    "newest": ["-created_at", "-pk"],
    "members": ["-members_total", "name", "pk"],
    "country": ["country", "name", "pk"],
}


# Every search with an ecosystem validates it against the taxonomy, which changes only by a
# migration or in the admin: reuse the list for this long instead of a query per search.
ECOSYSTEM_CHOICES_SECONDS = 300


def _ecosystem_choices() -> list[tuple[str, str]]:
    # The cache holds the English names (msgids), shared by every language; each request
    # translates them into its own.
    choices: list[tuple[str, str]] | None = cache_get("directory:ecosystem-choices")
    if choices is None:
        choices = [(e.slug, e.name) for e in Ecosystem.objects.order_by("position")]
        cache_set("directory:ecosystem-choices", choices, ECOSYSTEM_CHOICES_SECONDS)
    return [(slug, gettext(name)) for slug, name in choices]


class CheckboxFilter(django_filters.BooleanFilter):
    """A checkbox: any value but "", "0" and "false" is on (a bare checkbox sends "on")."""

    field_class = forms.BooleanField


class CountryField(django_filters.fields.MultipleChoiceField):
    """Validates a code by lookup, not by walking (and sorting) 250 translated names."""

    def to_python(self, value: Any) -> list[str]:
        # `?country=` is no filter, as an empty value is for every other filter.
        return [code for code in super().to_python(value) if code]

    def valid_value(self, value: Any) -> bool:
        return bool(countries.alpha2(str(value)))


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = CountryField


class CountFilter(django_filters.NumberFilter):
    """A whole number (the text input keeps a wrong value visible next to its error)."""

    field_class = forms.IntegerField


class DirectoryFilterForm(forms.Form):
    """Adds the checks that span fields, and ties each error to its input for the page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{name}-help"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                described = f"{name}-errors {name}-help" if field.help_text else f"{name}-errors"
                field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": described})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("members_min"), data.get("members_max")
        if low is not None and high is not None and low > high:
            self.add_error("members_max", _("The maximum number of members is below the minimum."))
        return data


class OrganisationDirectoryFilter(django_filters.FilterSet):
    """Filters, full-text search and sort of the published directory."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, technology, city… e.g. hydrogen Lyon"),
            }
        ),
    )
    # Checkboxes with a filter box (community/forms/pickers.py), not a "hold Ctrl" select.
    country = CountryFilter(
        label=_("Country"),
        choices=lambda: list(countries),
        field_name="country",
        distinct=False,
        widget=CheckboxPicker,
    )
    nuts2 = django_filters.CharFilter(
        label=_("NUTS-2 region"),
        method="filter_nuts2",
        max_length=4,
        help_text=_("A region code such as ES51."),
    )
    ecosystem = django_filters.MultipleChoiceFilter(
        label=_("Industrial ecosystem"),
        choices=_ecosystem_choices,
        method="filter_ecosystem",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=OrganisationType.choices, empty_label=_("Any type")
    )
    label = django_filters.ChoiceFilter(
        label=_("Excellence label"),
        choices=LABEL_CHOICES,
        method="filter_label",
        empty_label=_("Any or none"),
    )
    label_valid = CheckboxFilter(label=_("Only labels still valid"), method="filter_label_valid")
    size = django_filters.ChoiceFilter(
        label=_("Size"), choices=SIZE_CHOICES, method="filter_size", empty_label=_("Any size")
    )
    members_min = CountFilter(
        label=_("Members, at least"),
        field_name="members_total",
        lookup_expr="gte",
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    members_max = CountFilter(
        label=_("Members, at most"),
        field_name="members_total",
        lookup_expr="lte",
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    tag = django_filters.CharFilter(
        label=_("Tag"),
        method="filter_tag",
        max_length=90,
        help_text=_("A sector or technology tag, such as hydrogen."),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_noop", empty_label=None
    )

    class Meta:
        model = Organisation
        fields: list[str] = []
        form = DirectoryFilterForm

    def __init__(self, *args: Any, for_page: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not for_page:
            return
        # On a page the countries that have published organisations come first; any country
        # is valid. A callable: the query runs when the form is drawn.
        queryset = self.queryset

        def country_choices() -> list[tuple[Any, Any]]:
            present = set(queryset.order_by().values_list("country", flat=True).distinct())
            everything = list(countries)
            return [
                (_("In the directory"), [(c, n) for c, n in everything if c in present]),
                (_("Other countries"), [(c, n) for c, n in everything if c not in present]),
            ]

        self.filters["country"].extra["choices"] = country_choices

    def filter_q(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Any]:
        return apply_text_search(queryset, value)

    def filter_nuts2(
        self, queryset: QuerySet[Organisation], name: str, value: str
    ) -> QuerySet[Any]:
        return filter_nuts2(queryset, value)

    def filter_ecosystem(
        self, queryset: QuerySet[Organisation], name: str, value: list[str]
    ) -> QuerySet[Any]:
        return filter_ecosystem(queryset, value)

    def filter_label(
        self, queryset: QuerySet[Organisation], name: str, value: str
    ) -> QuerySet[Any]:
        return filter_label(queryset, value)

    def filter_label_valid(
        self, queryset: QuerySet[Organisation], name: str, value: bool | None
    ) -> QuerySet[Any]:
        return filter_label_valid(queryset, value)

    def filter_size(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Any]:
        return filter_size(queryset, value)

    def filter_tag(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Any]:
        return filter_tag(queryset, value)

    def filter_noop(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset  # applied by the selector, after every filter

    def sorted_queryset(self) -> QuerySet[Organisation]:
        """`qs` in the requested order: relevance with a query, otherwise by name."""
        return sort_directory(self.qs, self.form.cleaned_data)


def filter_nuts2(queryset: QuerySet[Organisation], value: str) -> QuerySet[Organisation]:
    return queryset.filter(nuts2__iexact=value.strip())


def filter_ecosystem(queryset: QuerySet[Organisation], value: list[str]) -> QuerySet[Organisation]:
    if not value:
        return queryset
    # EXISTS instead of a join: an organisation in two chosen ecosystems appears once.
    through = Organisation.ecosystems.through
    return queryset.filter(
        Exists(through.objects.filter(organisation_id=OuterRef("pk"), ecosystem_id__in=value))
    )


def filter_label(queryset: QuerySet[Organisation], value: str) -> QuerySet[Organisation]:
    if value == LABEL_ANY:
        return queryset.exclude(label="")
    return queryset.filter(label=value)


def filter_label_valid(
    queryset: QuerySet[Organisation], value: bool | None
) -> QuerySet[Organisation]:
    if not value:
        return queryset
    today = timezone.localdate()
    return queryset.exclude(label="").filter(
        Q(label_valid_until__isnull=True) | Q(label_valid_until__gte=today)
    )


def filter_size(queryset: QuerySet[Organisation], value: str) -> QuerySet[Organisation]:
    low, high = SIZE_RANGES[value]
    queryset = queryset.filter(members_total__gte=low)
    return queryset if high is None else queryset.filter(members_total__lte=high)


def filter_tag(queryset: QuerySet[Organisation], value: str) -> QuerySet[Organisation]:
    through = Organisation.tags.through
    value = value.strip()
    return queryset.filter(
        Exists(
            through.objects.filter(organisation_id=OuterRef("pk")).filter(
                Q(tag__slug=value) | Q(tag__name__iexact=value)
            )
        )
    )


def sort_directory(
    queryset: QuerySet[Organisation], cleaned: dict[str, Any]
) -> QuerySet[Organisation]:
    """The filtered `queryset` in the requested order: relevance with a query, otherwise by
    name (`cleaned`: the valid parameters)."""
    sort = cleaned.get("sort") or ""
    has_query = bool((cleaned.get("q") or "").strip())
    if sort in ("", "relevance") and has_query:
        return queryset.order_by("-name_hit", "-relevance", "name", "pk")
    return queryset.order_by(*SORT_ORDERINGS.get(sort, SORT_ORDERINGS["name"]))


# --- The same filters without a FilterSet per request ------------------------------------
#
# The API list (the hottest read of the API) validates its parameters with the fields of
# OrganisationDirectoryFilter and applies the same filters, but without building the filter
# set and its form per request: django-filter deep-copies every filter, then the form
# every field and widget (about 3 ms a request in a profile, docs/performance.md). The
# fields are built once per process, from the filter set's own declarations, and only read
# after that (Field.clean keeps no state), so every error is the form's, word for word.


_directory_fields: dict[str, forms.Field] | None = None


def directory_fields() -> dict[str, forms.Field]:
    """The form fields of OrganisationDirectoryFilter, in its order, built once."""
    global _directory_fields
    if _directory_fields is None:
        template = OrganisationDirectoryFilter(data=None, queryset=Organisation.objects.none())
        _directory_fields = dict(template.form.fields)
    return _directory_fields


def clean_directory_params(data: QueryDict) -> dict[str, Any]:
    """The valid parameters, exactly as the filter set's form cleans them (same fields,
    same checks across fields, same messages).

    Raises django.core.exceptions.ValidationError with the errors per parameter, in the
    form's order, as `OrganisationDirectoryFilter.form.errors` gives them.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, field in directory_fields().items():
        try:
            cleaned[name] = field.clean(field.widget.value_from_datadict(data, {}, name))
        except ValidationError as error:
            errors[name] = error.messages
    # DirectoryFilterForm.clean
    low, high = cleaned.get("members_min"), cleaned.get("members_max")
    if low is not None and high is not None and low > high:
        errors.setdefault("members_max", []).append(
            str(_("The maximum number of members is below the minimum."))
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def directory_queryset(
    queryset: QuerySet[Organisation], cleaned: dict[str, Any]
) -> QuerySet[Organisation]:
    """`queryset` filtered by the valid parameters `cleaned` and sorted: what
    `OrganisationDirectoryFilter(...).sorted_queryset()` gives for the same parameters."""
    if countries_chosen := cleaned.get("country"):
        queryset = queryset.filter(country__in=countries_chosen)
    if value := cleaned.get("nuts2"):
        queryset = filter_nuts2(queryset, value)
    if value := cleaned.get("ecosystem"):
        queryset = filter_ecosystem(queryset, value)
    if value := cleaned.get("type"):
        queryset = queryset.filter(type=value)
    if value := cleaned.get("label"):
        queryset = filter_label(queryset, value)
    queryset = filter_label_valid(queryset, cleaned.get("label_valid"))
    if value := cleaned.get("size"):
        queryset = filter_size(queryset, value)
    if (value := cleaned.get("members_min")) is not None:
        queryset = queryset.filter(members_total__gte=value)
    if (value := cleaned.get("members_max")) is not None:
        queryset = queryset.filter(members_total__lte=value)
    if value := cleaned.get("tag"):
        queryset = filter_tag(queryset, value)
    if value := cleaned.get("q"):
        queryset = apply_text_search(queryset, value)
    return sort_directory(queryset, cleaned)


# --- The same filters written as SQL (PostgreSQL, the API list) ---------------------------
#
# The API list on PostgreSQL runs this SQL instead of building and compiling the queryset
# above: Django's ORM spent about 3 of the 5 ms of CPU a search costs the view building the
# filters' expressions and compiling them (docs/performance.md, 2026-12-05; the rule in
# docs/decisions.md, "SQL written once on the hot paths"). The statement is the one the ORM
# sends for `directory_queryset` — the same conditions, text search, order and columns —
# and tests/community/test_directory_sql.py holds the two equal, row for row and in order,
# for every parameter. A filter added above must be added here too: that test fails until
# it is (it walks every field of the filter set).

_ORG = Organisation._meta.db_table
_ORG_ECOSYSTEMS = Organisation.ecosystems.through._meta.db_table
_ORG_TAGS = Organisation.tags.through._meta.db_table
_TAG = Organisation.tags.field.related_model._meta.db_table  # type: ignore[union-attr]
_ECOSYSTEM = Ecosystem._meta.db_table
# `name` contains the query, accents and case ignored (community.search.contains_folded).
_NAME_HIT_SQL = (
    "clusterhub_fold(o.name)::text LIKE '%%' || REPLACE(REPLACE(REPLACE(clusterhub_fold(%s),"
    " E'\\\\', E'\\\\\\\\'), E'%%', E'\\\\%%'), E'_', E'\\\\_') || '%%'"
)
_SORT_SQL = {
    "name": "o.name ASC, o.id ASC",
    "newest": "o.created_at DESC, o.id DESC",
    "members": "o.members_total DESC, o.name ASC, o.id ASC",
    "country": "o.country ASC, o.name ASC, o.id ASC",
}
# Table names come from the models, every value is a parameter (S608 below).
# The columns of one list item (community.selectors.directory.LIST_ITEM_COLUMNS), then the
# slugs of its ecosystems in taxonomy order.
DIRECTORY_SQL_COLUMNS = (
    "o.id, o.slug, o.name, o.acronym, o.type, o.country, o.city, o.primary_ecosystem_id,"  # noqa: S608
    f" o.label, o.members_total, o.logo, ARRAY(SELECT e.ecosystem_id FROM {_ORG_ECOSYSTEMS} e"
    f" JOIN {_ECOSYSTEM} x ON x.slug = e.ecosystem_id WHERE e.organisation_id = o.id"
    " ORDER BY x.position, e.ecosystem_id)"
)


def _placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def directory_sql(cleaned: dict[str, Any], *, status: str) -> tuple[str, list[Any], str, list[Any]]:
    """`directory_queryset` for PostgreSQL as SQL: the `WHERE` condition over
    `<organisations> o` with its parameters, and the `ORDER BY` list with its parameters,
    for organisations of moderation `status` and the valid parameters `cleaned`.

    Requires the stored text search document (community.search.has_stored_document)."""

    where: list[str] = ["o.status = %s"]
    params: list[Any] = [status]
    if countries_chosen := cleaned.get("country"):
        where.append(f"o.country IN ({_placeholders(countries_chosen)})")
        params += countries_chosen
    if value := cleaned.get("nuts2"):
        where.append("UPPER(o.nuts2::text) = UPPER(%s)")
        params.append(value.strip())
    if value := cleaned.get("ecosystem"):
        where.append(
            f"EXISTS (SELECT 1 FROM {_ORG_ECOSYSTEMS} e WHERE e.organisation_id = o.id"  # noqa: S608
            f" AND e.ecosystem_id IN ({_placeholders(value)}))"
        )
        params += value
    if value := cleaned.get("type"):
        where.append("o.type = %s")
        params.append(value)
    if value := cleaned.get("label"):
        if value == LABEL_ANY:
            where.append("o.label <> ''")
        else:
            where.append("o.label = %s")
            params.append(value)
    if cleaned.get("label_valid"):
        where.append("o.label <> '' AND (o.label_valid_until IS NULL OR o.label_valid_until >= %s)")
        params.append(timezone.localdate())
    if value := cleaned.get("size"):
        low, high = SIZE_RANGES[value]
        where.append("o.members_total >= %s")
        params.append(low)
        if high is not None:
            where.append("o.members_total <= %s")
            params.append(high)
    if (value := cleaned.get("members_min")) is not None:
        where.append("o.members_total >= %s")
        params.append(value)
    if (value := cleaned.get("members_max")) is not None:
        where.append("o.members_total <= %s")
        params.append(value)
    if value := cleaned.get("tag"):
        where.append(
            f"EXISTS (SELECT 1 FROM {_ORG_TAGS} t JOIN {_TAG} g ON g.id = t.tag_id"  # noqa: S608
            " WHERE t.organisation_id = o.id"
            " AND (g.slug = %s OR UPPER(g.name::text) = UPPER(%s)))"
        )
        params += [value.strip()] * 2
    q = (cleaned.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    sort = cleaned.get("sort") or ""
    order = _SORT_SQL.get(sort, _SORT_SQL["name"])
    order_params: list[Any] = []
    if q:
        query, query_params = postgres_query_sql(q, city_tokens=True)
        where.append(f"(o.search_document @@ {query} OR {_NAME_HIT_SQL})")
        params += [*query_params, q]
        if sort in ("", "relevance"):
            order = (
                f"CASE WHEN {_NAME_HIT_SQL} THEN 1.0 ELSE 0.0 END DESC,"
                f" ts_rank(o.search_document, {query}) DESC, o.name ASC, o.id ASC"
            )
            order_params = [q, *query_params]
    return " AND ".join(where), params, order, order_params
