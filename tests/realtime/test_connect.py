import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth import SESSION_KEY
from django.test import Client

from config.asgi import application

ORIGIN = (b"origin", b"http://testserver")

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie_for(user) -> bytes:
    client = Client()
    client.force_login(user)
    assert client.session[SESSION_KEY] == str(user.pk)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def test_authenticated_socket_answers_ping(user):
    from asgiref.sync import sync_to_async

    cookie = await sync_to_async(session_cookie_for)(user)
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping", "id": 7})
    assert await communicator.receive_json_from() == {"type": "pong", "id": 7}
    await communicator.send_to(text_data="not json")
    frame = await communicator.receive_json_from()
    assert frame["type"] == "error"
    assert frame["code"] == "bad_frame"
    await communicator.disconnect()


async def test_anonymous_socket_is_closed_with_4401():
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    output = await communicator.receive_output()
    assert output == {"type": "websocket.close", "code": 4401}


async def test_foreign_origin_is_refused(user):
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"origin", b"https://evil.example.com")]
    )
    connected, _ = await communicator.connect()
    assert not connected
