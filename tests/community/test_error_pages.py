import pytest


@pytest.mark.django_db
def test_missing_page_uses_the_site_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert 'href="/directory/"' in body


def test_favicon_points_at_the_logo(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/logo.svg")
