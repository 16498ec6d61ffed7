"""Where the poller's requests may go, and how long each may take.

Two rules for every HTTP request syndicator makes to a site (feeds and article pages):

* **A deadline for the whole request.** Socket timeouts bound each read, so a server that
  drips one byte a second never trips them. Inside ``Deadline(seconds)`` every connection
  the request uses is watched, and when time is up a watchdog shuts its socket down: the
  blocked read returns at once and the caller reports the deadline. The platform API
  calls get the same deadline (their ``RerouteAdapter`` is a ``WatchedAdapter``).
* **Untrusted URLs stay on the public internet.** A URL taken from feed content (an
  article link, and every redirect it leads to) may only reach a public address: every
  address its name resolves to is checked before connecting, and the peer after, so a
  name that resolves to 127.0.0.1, or rebinds to it in between, is refused. URLs the
  operator wrote in the config are trusted and not checked.

Both work below ``requests`` and ``urllib3``, in the connection classes their pools
create, so redirects and retries are covered without re-implementing either library.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["AddressRefused", "Deadline", "DeadlineExceeded", "WatchedAdapter",
           "deadline_session", "is_public_address", "pool_manager", "untrusted_session"]


class AddressRefused(Exception):
    """A URL from feed content leads to an address that is not on the public internet.

    Not an ``OSError``: neither urllib3 nor requests may retry it or reword it."""

    def __init__(self, host: str, address: str) -> None:
        shown = host if host == address else f"{host} ({address})"
        super().__init__(f"refused to connect to {shown}: not a public address "
                         "(set allow_private_article_hosts: true for an intranet site)")
        self.host = host
        self.address = address


class DeadlineExceeded(Exception):
    """The whole request took longer than its deadline."""


def is_public_address(address: str) -> bool:
    """A globally routable unicast address: not loopback, private, link-local (with the
    cloud metadata address), shared, multicast, reserved or unspecified."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # "::ffff:127.0.0.1" is 127.0.0.1
    return ip.is_global and not ip.is_multicast


# -- the deadline ------------------------------------------------------------------------

_LOCAL = threading.local()


class Deadline:
    """``with Deadline(20): …``: sockets opened or reused in the block are shut down once
    ``seconds`` have passed since it began; ``expired`` says whether that happened."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._outer: Deadline | None = None
        self._closed = False

    def __enter__(self) -> Deadline:
        self._outer = getattr(_LOCAL, "deadline", None)
        _LOCAL.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _LOCAL.deadline = self._outer
        with self._lock:
            self._closed = True  # a late watchdog must not shut a connection now pooled
            self._socks.clear()

    def remaining(self) -> float:
        return max(0.0, self.ends - time.monotonic())

    def check(self) -> None:
        if self.expired or time.monotonic() >= self.ends:
            self.expired = True
            raise DeadlineExceeded(f"took longer than {self.seconds:g}s")

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if not self.expired:
                self._socks.append(sock)
                return
        _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            if self._closed:
                return
            self.expired = True
            for sock in self._socks:
                _shut(sock)
            self._socks = []


def _shut(sock: socket.socket) -> None:
    # the plain socket's shutdown, also for a TLS socket: SSLSocket.shutdown would drop
    # its SSL object under the reading thread; this makes the read end with EOF
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _current() -> Deadline | None:
    return getattr(_LOCAL, "deadline", None)


# -- connections that obey both rules -------------------------------------------------------

class _Watched:
    """Mixed into urllib3's connection classes: register the socket with the current
    deadline; vet addresses when ``vet`` is set."""

    vet = False
    host: str
    port: int
    sock: socket.socket | None
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        if self.vet:
            _vet_name(self._dns_host, self.port)
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        if self.vet:
            peer = sock.getpeername()[0]
            if not is_public_address(peer):
                sock.close()
                raise AddressRefused(self.host, peer)
        return sock

    def connect(self) -> None:
        deadline = _current()
        if deadline is not None:
            deadline.check()
        super().connect()  # type: ignore[misc]
        if deadline is not None:
            deadline.watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = _current()
        if deadline is not None and self.sock is not None:
            deadline.watch(self.sock)  # a kept-alive connection, reused
        super().request(*args, **kwargs)  # type: ignore[misc]


def _vet_name(host: str, port: int) -> None:
    """Every address ``host`` resolves to must be public (one private one is enough to
    refuse: the resolver may hand either out next time)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return  # the connection itself reports the name that does not resolve
    for info in infos:
        address = str(info[4][0])
        if not is_public_address(address):
            raise AddressRefused(host, address)


class _HTTP(_Watched, HTTPConnection):
    pass


class _HTTPS(_Watched, HTTPSConnection):
    pass


class _VettedHTTP(_HTTP):
    vet = True


class _VettedHTTPS(_HTTPS):
    vet = True


def _pools(vet: bool) -> dict[str, type[HTTPConnectionPool]]:
    class Plain(HTTPConnectionPool):
        ConnectionCls = _VettedHTTP if vet else _HTTP

    class Secure(HTTPSConnectionPool):
        ConnectionCls = _VettedHTTPS if vet else _HTTPS

    return {"http": Plain, "https": Secure}


_POOLS = {False: _pools(False), True: _pools(True)}


def pool_manager(*, vet: bool = False, **kwargs: Any) -> urllib3.PoolManager:
    """A urllib3 pool manager whose connections obey the deadline (and, with ``vet``,
    reach public addresses only)."""
    manager = urllib3.PoolManager(**kwargs)
    manager.pool_classes_by_scheme = _POOLS[vet]
    return manager


class WatchedAdapter(HTTPAdapter):
    """A requests adapter whose connections obey the current ``Deadline`` (and, with
    ``vet``, reach public addresses only), directly and through an HTTP proxy."""

    def __init__(self, *args: Any, vet: bool = False, **kwargs: Any) -> None:
        self._vet = vet
        super().__init__(*args, **kwargs)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS[self._vet]

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            # through a proxy the connection reaches the proxy (the operator's, maybe on a
            # private address): the deadline holds, the name is vetted in send. (A SOCKS
            # manager's pools take options plain connections do not: left as they are.)
            manager.pool_classes_by_scheme = _POOLS[False]
        return manager

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        if self._vet:
            # checked here too, for a proxy (whose address the connection sees) and for
            # an early, plain refusal; the connection checks again where it connects
            url = urlsplit(request.url or "")
            if url.hostname:
                _vet_name(url.hostname, url.port or (443 if url.scheme == "https" else 80))
        return super().send(request, *args, **kwargs)


def deadline_session() -> requests.Session:
    """A session for the operator's own URLs (a feed through a proxy): any address, under
    the current ``Deadline``."""
    return _session(WatchedAdapter(vet=False))


def untrusted_session(*, allow_private: bool = False) -> requests.Session:
    """A session for URLs that come from feed content: public addresses only (unless the
    operator allowed private ones), over http(s), under the current ``Deadline``."""
    return _session(WatchedAdapter(vet=not allow_private))


def _session(adapter: HTTPAdapter) -> requests.Session:
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
