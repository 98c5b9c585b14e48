"""Local receivers for alerts: an HTTP server that keeps every POST and an SMTP server that keeps every mail."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


@contextmanager
def http_receiver(status: int = 200) -> Iterator[tuple[str, list[dict]]]:
    """A webhook on 127.0.0.1 answering ``status``; yields its URL and the JSON bodies received."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("Content-Length", 0))
            received.append({"path": self.path, "body": json.loads(self.rfile.read(length).decode("utf-8"))})
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks/secret-token-123?key=abc", received
    finally:
        server.shutdown()
        server.server_close()


class _Keep:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - the name aiosmtpd calls
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@contextmanager
def smtp_receiver() -> Iterator[tuple[int, list[tuple[list[str], Message]]]]:
    """An SMTP server on 127.0.0.1; yields its port and the (recipients, message) pairs received."""
    handler = _Keep()
    with socket.socket() as probe:  # a free port: aiosmtpd checks it is up by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler.messages
    finally:
        controller.stop()
