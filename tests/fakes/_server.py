"""A tiny threaded HTTP server base for the fakes: real sockets, scripted replies.

Each fake is an *app* with ``dispatch(request) -> Action``. The server turns actions
into bytes on the wire, including the two failures a mock cannot produce: a request
that hangs past the client's timeout, and a connection reset after the server has
already done the work (the "did my post go through?" case).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
import traceback
from dataclasses import dataclass, field
from email.message import Message
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as the fake saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    received: float = field(default_factory=time.monotonic)  # when it arrived

    def arg(self, name: str, default: str | None = None) -> str | None:
        """First query-string value of ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)


@dataclass
class Reply:
    """A normal HTTP response."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    omit_length: bool = False  # no Content-Length: the body ends when the socket closes


@dataclass
class Hang:
    """Say nothing for ``seconds`` (interrupted by ``stop()``), then send ``then`` or close."""

    seconds: float
    then: Reply | None = None


@dataclass
class Drop:
    """Reset the connection (TCP RST) without a response."""


@dataclass
class Drip:
    """Send ``reply`` (status line, headers and body) one byte every ``interval`` seconds:
    every read the client makes succeeds, and the response never ends."""

    reply: Reply
    interval: float


@dataclass
class Endless:
    """Send ``reply``'s status line and headers (never a Content-Length) and its body,
    then ``chunk`` every ``interval`` seconds (0: as fast as the client reads) until the
    client goes away or the server stops: a body that never ends."""

    reply: Reply
    chunk: bytes
    interval: float = 0.0


Action = Reply | Hang | Drop | Drip | Endless


def http_date(epoch: float) -> str:
    """RFC 7231 date, as Last-Modified uses."""
    return formatdate(epoch, usegmt=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server: _Server

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=self.headers,
            body=body,
        )
        try:
            action = self.server.app.dispatch(request)
        except Exception:
            action = Reply(500, traceback.format_exc().encode(), [("Content-Type", "text/plain")])
        self._perform(action)

    do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = _handle

    def _perform(self, action: Action) -> None:
        if isinstance(action, Hang):
            self.server.stopping.wait(action.seconds)
            if action.then is None or self.server.stopping.is_set():
                self._reset()
                return
            action = action.then
        if isinstance(action, Drop):
            self._reset()
            return
        if isinstance(action, Drip):
            self._drip(action)
            return
        if isinstance(action, Endless):
            self._endless(action)
            return
        self.send_response(action.status)
        for name, value in action.headers:
            self.send_header(name, value)
        if not action.omit_length and not any(
            name.lower() == "content-length" for name, _ in action.headers
        ):
            self.send_header("Content-Length", str(len(action.body)))
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(OSError):
                self.wfile.write(action.body)

    def _drip(self, drip: Drip) -> None:
        reply = drip.reply
        length = [] if reply.omit_length else [f"Content-Length: {len(reply.body)}"]
        head = [f"HTTP/1.0 {reply.status} OK", *(f"{k}: {v}" for k, v in reply.headers),
                *length, "", ""]
        raw = "\r\n".join(head).encode() + reply.body
        for i in range(len(raw)):
            if self.server.stopping.wait(drip.interval):
                break
            try:
                self.wfile.write(raw[i:i + 1])
                self.wfile.flush()
            except OSError:
                break  # the client gave up
        self.close_connection = True

    def _endless(self, endless: Endless) -> None:
        reply = endless.reply
        self.send_response(reply.status)
        for name, value in reply.headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(reply.body)
            while not self.server.stopping.wait(endless.interval):
                self.wfile.write(endless.chunk)
                self.wfile.flush()
        except OSError:
            pass  # the client gave up: the only way this body ends
        self.close_connection = True

    def _reset(self) -> None:
        # SO_LINGER 0 makes close() send RST: the client sees "connection reset by peer".
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.rfile.close()
        self.wfile.close()
        self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, app: Any, host: str, port: int) -> None:
        super().__init__((host, port), _Handler)
        self.app = app
        self.stopping = threading.Event()

    def shutdown_request(self, request: Any) -> None:
        with contextlib.suppress(OSError):
            super().shutdown_request(request)


class FakeServer:
    """Runs ``dispatch`` on a real socket in a background thread.

    ``start()`` binds 127.0.0.1 on an ephemeral port (or ``port``) and returns self;
    ``url`` is then ``http://127.0.0.1:<port>``. Also a context manager.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.lock = threading.RLock()

    def dispatch(self, request: Request) -> Action:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("fake server not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("fake server not started")
        return int(self._server.server_address[1])

    def start(self) -> FakeServer:
        if self._server is not None:
            return self
        self._server = _Server(self, self._host, self._port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}@{self.url}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Fault:
    """An injected failure for the next ``times`` matching calls (None: for ever)."""

    kind: str
    params: dict[str, Any]
    endpoint: str | None
    times: int | None

    def matches(self, endpoint: str, request: Request | None = None) -> bool:
        where = self.params.get("where")
        if where is not None and (request is None or not where(request)):
            return False
        return self.endpoint in (None, "*", endpoint)


class FaultQueue:
    """FIFO of faults; ``take(endpoint)`` consumes one use of the first that matches."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, kind: str, *, times: int | None, endpoint: str | None, **params: Any) -> None:
        with self._lock:
            self._faults.append(Fault(kind, params, endpoint, times))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, endpoint: str, request: Request | None = None) -> Fault | None:
        """``where=callable(request)`` in a fault's params narrows it to matching requests."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(endpoint, request):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def __len__(self) -> int:
        return len(self._faults)
