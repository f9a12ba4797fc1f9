"""daphne with a graceful shutdown: `python -m config.server [daphne's arguments]`.

Stock daphne, on SIGTERM, stops Twisted's reactor and cancels every application at once:
clients see their websocket drop (1006), and a worker thread that still waits on the stopped
event loop can keep the process alive until systemd kills it. This entry point takes the
same arguments as the `daphne` command and changes six things:

1. On shutdown it first stops accepting connections (a sibling process that shares the
   listening socket, `--fd`, takes the new ones), then closes every websocket with 1001
   ("going away"), gives the sockets SHUTDOWN_GRACE_SECONDS to finish their close
   handshake, and only then cancels what is left.
2. It starts the live layer's hub when the server starts, so code in worker threads never
   falls back to waiting on the event loop (realtime/events.py `group_send`).
3. A socket that sends a message above `--websocket-max-message-size` is closed with 1009
   (message too big) instead of being dropped without a word.
4. It tells systemd when it is ready (`Type=notify`, the sd_notify protocol on
   $NOTIFY_SOCKET) and when it is stopping, so a rolling restart starts the next process
   only once this one listens.
5. Once the reactor has stopped, it exits at once instead of waiting for worker threads:
   a thread still inside a transaction is rolled back by the database, and everything
   committed is in the event log, which clients replay with `since`.
6. When it starts, it moves the objects made while starting (Django, the apps, their URL
   patterns: about 300,000) out of reach of the garbage collector's full passes and raises
   its young threshold (config/process.py `freeze_startup_objects`).

docs/operations.md describes the deploy (two processes sharing one socket, restarted one
after the other); docs/realtime.md what a client sees.
"""

from __future__ import annotations

# daphne.server installs Twisted's asyncio reactor; it has to be imported first.
import daphne.server  # isort:skip

import asyncio
import logging
import os
import socket
import sys
import time
from typing import Any

from daphne.cli import CommandLineInterface
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import defer, reactor

from config.process import freeze_startup_objects

logger = logging.getLogger("config.server")

GOING_AWAY = 1001
# Seconds the sockets get to finish their close handshake, then the cancelled applications
# to end: the process is gone within about 1.5 s of SIGTERM, well before systemd's kill.
SHUTDOWN_GRACE_SECONDS = float(os.environ.get("SHUTDOWN_GRACE_SECONDS", "1.0"))
CANCEL_GRACE_SECONDS = 0.5


class GracefulServer(daphne.server.Server):
    def run(self) -> None:
        self.ports: list[Any] = []
        reactor.callWhenRunning(freeze_startup_objects)
        reactor.callWhenRunning(self._start_hub)
        reactor.callWhenRunning(self._close_failed_sockets_with_a_code)
        super().run()

    def _close_failed_sockets_with_a_code(self) -> None:
        # autobahn drops the TCP connection of a socket it fails (a message above
        # --websocket-max-message-size, a protocol violation), so the client only sees 1006;
        # with failByDrop off it sends the close frame first (1009 "message too big").
        self.ws_factory.setProtocolOptions(failByDrop=False)

    def listen_success(self, port: Any) -> None:
        self.ports.append(port)
        super().listen_success(port)
        if len(self.ports) == len(self.endpoints):
            sd_notify("READY=1")

    def _start_hub(self) -> None:
        from realtime.hub import get_hub

        async def start() -> None:
            try:
                await get_hub()
            except Exception:
                logger.warning("The live layer's hub did not start; sockets will retry")

        # Held: the event loop keeps only a weak reference to a task.
        self.hub_starting = asyncio.ensure_future(start())

    def kill_all_applications(self) -> defer.Deferred[Any]:
        """Shutdown, before the reactor stops: stop listening, close the sockets with 1001,
        wait for them up to SHUTDOWN_GRACE_SECONDS, then cancel what is still running."""
        return defer.Deferred.fromFuture(asyncio.ensure_future(self._go_away()))

    async def _go_away(self) -> None:
        sd_notify("STOPPING=1")
        for port in self.ports:
            port.stopListening()
        sockets = [
            protocol
            for protocol in list(self.connections)
            if isinstance(protocol, WebSocketProtocol)
            and "disconnected" not in self.connections.get(protocol, {})
        ]
        for protocol in sockets:
            try:
                # Autobahn's public sendClose() refuses 1001 (only 1000 and 3000-4999 are
                # an application's); the frame method is what a server going away needs.
                protocol.sendCloseFrame(code=GOING_AWAY, reasonUtf8=b"restarting")
            except Exception:  # still in its handshake, or half gone already
                logger.debug("Closing a socket failed", exc_info=True)
        deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
        while time.monotonic() < deadline and any(
            "disconnected" not in self.connections.get(protocol, {"disconnected": True})
            for protocol in sockets
        ):
            await asyncio.sleep(0.02)
        logger.info("Closed %d websockets with %d", len(sockets), GOING_AWAY)
        # daphne's own kill_all_applications() trips over connections whose application
        # was reaped meanwhile (KeyError); this is the same, without that.
        running = [
            instance
            for details in list(self.connections.values())
            if (instance := details.get("application_instance")) is not None and not instance.done()
        ]
        for instance in running:
            instance.cancel()
        if running:
            _done, late = await asyncio.wait(running, timeout=CANCEL_GRACE_SECONDS)
            if late:
                logger.warning("%d applications did not stop in time; exiting", len(late))
        # The hub is not stopped: what it still had to send to other processes is in the
        # event log, and their sockets repair from it.


def sd_notify(state: str) -> None:
    """Tell the service manager about our state (sd_notify(3)); nothing without one."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(state.encode(), address)
    except OSError:
        logger.debug("Could not notify the service manager (%s)", state)


class GracefulCommandLine(CommandLineInterface):
    server_class = GracefulServer


def main() -> None:
    code = 0
    try:
        GracefulCommandLine.entrypoint()
    except SystemExit as exc:  # daphne's own exits (bad arguments, listen failure)
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:
        logger.exception("The server failed")
        code = 1
    finally:
        # Do not wait for worker threads (see the module's docstring, point 5).
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    main()
