"""Text relevance for suggestions: TF-IDF (scikit-learn) over character n-grams.

Character n-grams within words (3 to 5 letters, accents folded) match the same stem across
inflections and the languages of the platform ("électrolyseur", "Elektrolyseur",
"electrolysers"), which word tokens do not. The n-grams are hashed (`HashingVectorizer`, no
vocabulary to keep), weighted by their inverse document frequency over every published
organisation profile and every listing (`TfidfTransformer`, sublinear term frequency), and
rows are L2-normalised, so the dot product of two rows is their cosine similarity.

The index is expensive to build (a few seconds for 10,000 organisations and 5,000 listings)
and cheap to use (a sparse product per request), so each process keeps one and rebuilds it
when organisations or listings change: `index()` compares a fingerprint of both tables
(row count and latest `updated_at`, two aggregate queries) and the day (listings expire by
date) with the one it was built from. Rows that stopped being live since the build are
filtered out by the engine's database check of its candidates, so a stale index can only
miss a brand-new item until the next request rebuilds it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

from community.models import ModerationStatus, Organisation
from messaging.models import Listing, ListingKind
from messaging.selectors.listings import listing_live_q

N_FEATURES = 2**20


def live_listings() -> QuerySet[Listing]:
    """Listings anyone may see and answer: open, not expired, of a published organisation
    (the rule of messaging.selectors.listings, used as is so the two cannot drift)."""
    return Listing.objects.filter(listing_live_q())


def _empty(rows: int = 0) -> sparse.csr_matrix:
    return sparse.csr_matrix((rows, N_FEATURES), dtype=np.float32)


def _count(hasher: HashingVectorizer, texts: list[str]) -> sparse.csr_matrix:
    """Hashed n-gram counts of `texts`; the hasher cannot take an empty list (StopIteration
    on a fresh installation without organisations or listings), hence the empty matrix."""
    if not texts:
        return _empty()
    return hasher.transform(texts).tocsr()


def _weigh(transformer: TfidfTransformer, counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """TF-IDF rows of `counts`; no rows gives no rows (the transformer refuses 0 samples)."""
    if counts.shape[0] == 0:
        return _empty()
    return transformer.transform(counts).astype(np.float32).tocsr()


def _hasher() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        strip_accents="unicode",
        lowercase=True,
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )


def organisation_text(name: str, description: str, interests: str) -> str:
    return f"{name}\n{description}\n{interests}"


def listing_text(title: str, description: str) -> str:
    # The title says what the listing is about in a few words: counted twice.
    return f"{title}\n{title}\n{description}"


@dataclass
class TextIndex:
    fingerprint: tuple[Any, ...]
    transformer: TfidfTransformer
    org_ids: np.ndarray
    org_matrix: sparse.csr_matrix
    org_country: list[str]
    org_nuts2: list[str]
    org_ecosystems: list[frozenset[str]]
    listing_ids: np.ndarray
    listing_matrix: sparse.csr_matrix
    listing_org: np.ndarray
    listing_is_offer: np.ndarray
    listing_title: list[str]
    listing_countries: list[frozenset[str]]
    org_row: dict[int, int] = field(default_factory=dict)
    listing_row: dict[int, int] = field(default_factory=dict)
    # Derived once, so a request scores with array operations only.
    listing_org_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ecosystem_codes: list[str] = field(default_factory=list)
    org_ecosystem_matrix: sparse.csr_matrix | None = None  # organisations x ecosystems, 0/1
    country_codes: list[str] = field(default_factory=list)
    listing_country_matrix: sparse.csr_matrix | None = None  # listings x countries, 0/1
    org_nuts2_array: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    # The transposes, kept in row order: `rows @ org_matrix_t` costs no conversion per request.
    org_matrix_t: sparse.csr_matrix | None = None
    listing_matrix_t: sparse.csr_matrix | None = None

    def ecosystem_vector(self, slugs: set[str]) -> np.ndarray:
        return np.array([c in slugs for c in self.ecosystem_codes], dtype=np.float32)

    def country_vector(self, codes: set[str]) -> np.ndarray:
        return np.array([c in codes for c in self.country_codes], dtype=np.float32)

    def vectors(self, texts: list[str]) -> sparse.csr_matrix:
        """Rows for texts outside the index (participants' profiles, events), weighted by the
        index's document frequencies."""
        return _weigh(self.transformer, _count(_hasher(), texts))


_lock = threading.Lock()
_index: TextIndex | None = None


def fingerprint() -> tuple[Any, ...]:
    orgs = Organisation.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    listings = Listing.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return (orgs["n"], orgs["last"], listings["n"], listings["last"], timezone.localdate())


def build() -> TextIndex:
    """Read every published organisation and live listing and fit the weights."""
    orgs = list(
        Organisation.objects.filter(status=ModerationStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", "name", "description", "cooperation_interests", "country", "nuts2")
    )
    ecosystems: dict[int, set[str]] = {}
    through = Organisation.ecosystems.through.objects.filter(
        organisation__status=ModerationStatus.PUBLISHED
    ).values_list("organisation_id", "ecosystem_id")
    for org_id, slug in through:
        ecosystems.setdefault(org_id, set()).add(slug)
    listings = list(
        live_listings()
        .order_by("pk")
        .values_list("pk", "organisation_id", "kind", "title", "description", "target_countries")
    )
    hasher = _hasher()
    org_counts = _count(hasher, [organisation_text(o[1], o[2], o[3]) for o in orgs])
    listing_counts = _count(hasher, [listing_text(li[3], li[4]) for li in listings])
    corpus = sparse.vstack([org_counts, listing_counts]).tocsr()
    transformer = TfidfTransformer(sublinear_tf=True)
    # Without any document (a fresh installation) the weights are fitted on one empty row:
    # every n-gram then weighs the same, and the texts scored later still get their rows.
    transformer.fit(corpus if corpus.shape[0] else _empty(1))
    index = TextIndex(
        fingerprint=(),
        transformer=transformer,
        org_ids=np.array([o[0] for o in orgs], dtype=np.int64),
        org_matrix=_weigh(transformer, org_counts),
        org_country=[str(o[4]) for o in orgs],
        org_nuts2=[o[5] for o in orgs],
        org_ecosystems=[frozenset(ecosystems.get(o[0], ())) for o in orgs],
        listing_ids=np.array([li[0] for li in listings], dtype=np.int64),
        listing_matrix=_weigh(transformer, listing_counts),
        listing_org=np.array([li[1] for li in listings], dtype=np.int64),
        listing_is_offer=np.array([li[2] == ListingKind.OFFER for li in listings], dtype=bool),
        listing_title=[li[3] for li in listings],
        listing_countries=[frozenset(_countries(li[5])) for li in listings],
    )
    index.org_row = {int(pk): n for n, pk in enumerate(index.org_ids)}
    index.listing_row = {int(pk): n for n, pk in enumerate(index.listing_ids)}
    index.listing_org_row = np.array(
        [index.org_row.get(int(o), -1) for o in index.listing_org], dtype=np.int64
    )
    index.ecosystem_codes = sorted({e for es in index.org_ecosystems for e in es})
    index.org_ecosystem_matrix = _incidence(index.org_ecosystems, index.ecosystem_codes)
    index.country_codes = sorted({c for cs in index.listing_countries for c in cs})
    index.listing_country_matrix = _incidence(index.listing_countries, index.country_codes)
    index.org_nuts2_array = np.array(index.org_nuts2, dtype=object)
    index.org_matrix_t = index.org_matrix.T.tocsr()
    index.listing_matrix_t = index.listing_matrix.T.tocsr()
    return index


def _incidence(rows: list[frozenset[str]], codes: list[str]) -> sparse.csr_matrix:
    column = {c: n for n, c in enumerate(codes)}
    pairs = [(r, column[c]) for r, cs in enumerate(rows) for c in cs]
    data = np.ones(len(pairs), dtype=np.float32)
    return sparse.csr_matrix(
        (data, ([p[0] for p in pairs], [p[1] for p in pairs])),
        shape=(len(rows), len(codes)),
        dtype=np.float32,
    )


def _countries(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [c for c in value.split(",") if c]
    return [str(c) for c in value]


def index() -> TextIndex:
    """The process's index, rebuilt first if organisations or listings changed."""
    global _index
    current = fingerprint()
    kept = _index
    if kept is not None and kept.fingerprint == current:
        return kept
    with _lock:
        if _index is not None and _index.fingerprint == current:
            return _index
        built = build()
        built.fingerprint = current
        _index = built
        return built


def forget() -> None:
    """Drop the process's index (tests; the fingerprint makes it unnecessary otherwise)."""
    global _index
    _index = None
