import pytest

from tests.factories import NewsItemFactory, OrganisationFactory


@pytest.mark.django_db
def test_home_counts_published_organisations_only(client):
    OrganisationFactory(country="DE")
    OrganisationFactory(country="FR")
    OrganisationFactory(country="IT", status="draft")
    NewsItemFactory(title="Funding call opens")
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 cluster organisations from 2 countries" in body
    assert "Funding call opens" in body
    assert "Content-Security-Policy" in response.headers
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_api_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
