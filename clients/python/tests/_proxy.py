"""A TCP proxy in front of the test txgate that a test can cut: it breaks client connections the
way a network does (a reset), either at once or at the moment txgate's answer to the next request
arrives, so that the request has run and its answer is lost."""
import selectors
import socket
import struct
import threading
from typing import List, Optional


class _Pair:
    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client = client
        self.upstream = upstream
        self.cut_requested = threading.Event()
        self.done = threading.Event()


class Proxy:
    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._pairs: List[_Pair] = []
        self._lock = threading.Lock()
        self._drop_next_answer = threading.Event()
        self.answers_dropped = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def drop_next_answer(self) -> None:
        """The next answer txgate sends, on any connection, is not delivered: the proxy resets that
        client connection instead."""
        self._drop_next_answer.set()

    def cut(self) -> None:
        """Resets every client connection open now; returns once the resets were sent."""
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            pair.cut_requested.set()
        for pair in pairs:
            pair.done.wait(10)

    def close(self) -> None:
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self._target)
            pair = _Pair(client, upstream)
            with self._lock:
                self._pairs.append(pair)
            threading.Thread(target=self._pump, args=(pair,), daemon=True).start()

    def _pump(self, pair: _Pair) -> None:
        sel = selectors.DefaultSelector()
        sel.register(pair.client, selectors.EVENT_READ, pair.upstream)
        sel.register(pair.upstream, selectors.EVENT_READ, pair.client)
        try:
            while not pair.cut_requested.is_set():
                for key, _ in sel.select(0.05):
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    if key.fileobj is pair.upstream and self._drop_next_answer.is_set():
                        self._drop_next_answer.clear()
                        self.answers_dropped += 1
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            sel.close()
            _reset(pair.client)
            pair.upstream.close()
            pair.done.set()


def _reset(sock: Optional[socket.socket]) -> None:
    """Closes with a TCP reset (SO_LINGER 0), as a broken network or a crashed peer would."""
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()
