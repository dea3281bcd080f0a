"""The asyncio client: requests of many tasks pipelined on one connection."""
import asyncio
import collections
import json
import socket
from typing import Any, Deque, Iterable, List, Mapping, Optional, Sequence, Tuple

from ._client import (BatchResult, Json, Result, Step, _answers, _backoff, _batch_request, _call_request,
                      _Credentials, _execute_request, _frame, _may_resend, _prepare_resends)
from ._tls import TlsOption, ssl_context
from ._errors import ConnectionLostError, TxgateError, connection_lost, from_response

# A response line may be as large as a result the server allows (protocol.maxResultRows rows).
_LINE_LIMIT = 1 << 30


class _Connection:
    """One TCP connection and the calls waiting on it, oldest first: answers come back in
    request order, so the oldest waiting future gets the next answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.next_id = 0
        self.waiting: Deque[Tuple[int, "asyncio.Future[Json]"]] = collections.deque()
        self.failure: Optional[TxgateError] = None
        self.reading = asyncio.ensure_future(self._read_answers())

    def fail(self, error: TxgateError) -> None:
        """Gives the connection up: every waiting call fails with error, later ones too."""
        if self.failure is None:
            self.failure = error
        while self.waiting:
            _, future = self.waiting.popleft()
            if not future.done():
                future.set_exception(error)
        self.writer.close()

    async def _read_answers(self) -> None:
        try:
            while True:
                line = await self.reader.readline()
                if not line:
                    raise connection_lost("txgate closed the connection", sent=True)
                if not self.waiting:
                    raise connection_lost("txgate sent an answer nobody asked for", sent=True)
                response = json.loads(line)
                request_id, future = self.waiting[0]
                if not isinstance(response, dict) or not _answers(response, request_id):
                    got = response.get("id") if isinstance(response, dict) else response
                    raise connection_lost(f"answer for {got!r}, expected {request_id}", sent=True)
                self.waiting.popleft()
                if future.done():
                    continue
                # The error is made, never raised here: a raised one would carry this task's frame
                # in its traceback, and whoever clears that traceback's frames (unittest's
                # assertRaises does) would close this coroutine while it waits for the next answer.
                if response.get("ok"):
                    future.set_result(response["result"])
                else:
                    future.set_exception(from_response(response.get("error") or {}))
        except asyncio.CancelledError:
            raise
        except TxgateError as e:
            self.fail(e.with_traceback(None))
        except (OSError, ValueError) as e:
            self.fail(connection_lost(f"connection to txgate failed: {e}", sent=True))

    async def close(self) -> None:
        self.fail(connection_lost("the client was closed", sent=True))
        self.reading.cancel()
        try:
            await self.writer.wait_closed()
        except (OSError, asyncio.CancelledError):
            pass


class AsyncClient:
    """An asyncio connection to txgate.

        async with await AsyncClient.connect("127.0.0.1", 7400, client_name="billing") as db:
            rows = (await db.execute("SELECT id, balance FROM accounts WHERE id = ?", [1])).rows
            a, b = await asyncio.gather(db.call("balance", {"id": 1}), db.call("balance", {"id": 2}))

    Several tasks may use one AsyncClient at once: their requests are pipelined on the one
    connection, run on the server one after another in the order they were sent, and each call
    gets its own answer. For requests that should run at the same time, open several clients.

    A call that gets no answer within ``timeout`` seconds gives the connection up: it and every
    call waiting on that connection fail with ConnectionLostError. The next call opens a new one.

    ``token`` and ``jwt`` authenticate every connection the client opens, as for Client.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 7400, client_name: Optional[str] = None,
                 timeout: Optional[float] = 60.0, connect_timeout: Optional[float] = 10.0, *,
                 tls: TlsOption = None, ca_file: Optional[str] = None, cert_file: Optional[str] = None,
                 key_file: Optional[str] = None, token: Optional[str] = None, jwt: Optional[str] = None) -> None:
        """Use ``await AsyncClient.connect(...)``, which also opens the connection."""
        self.host = host
        self.port = port
        self.client_name = client_name
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._ssl = ssl_context(tls, ca_file, cert_file, key_file)
        self._credentials = _Credentials(token, jwt)
        self._conn: Optional[_Connection] = None
        self._opening: Optional[asyncio.Lock] = None
        self._closed = False
        self.session: Optional[str] = None
        self.server: Optional[str] = None
        self.limits: Mapping[str, int] = {}
        self.identity: Optional[str] = None

    @classmethod
    async def connect(cls, host: str = "127.0.0.1", port: int = 7400, client_name: Optional[str] = None,
                      timeout: Optional[float] = 60.0, connect_timeout: Optional[float] = 10.0, *,
                      tls: TlsOption = None, ca_file: Optional[str] = None, cert_file: Optional[str] = None,
                      key_file: Optional[str] = None, token: Optional[str] = None,
                      jwt: Optional[str] = None) -> "AsyncClient":
        """Opens the connection; the TLS and credential arguments are those of Client."""
        client = cls(host, port, client_name, timeout, connect_timeout, tls=tls, ca_file=ca_file,
                     cert_file=cert_file, key_file=key_file, token=token, jwt=jwt)
        await client._open()
        return client

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Closes the connection; calls still waiting fail with ConnectionLostError. Idempotent."""
        self._closed = True
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    async def _open(self) -> _Connection:
        """The open connection, opening a new one when there is none or it failed."""
        if self._closed:
            raise ConnectionLostError("CONNECTION", "the client is closed", False, "no")
        if self._conn is not None and self._conn.failure is None:
            return self._conn
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._conn is not None and self._conn.failure is None:
                return self._conn
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port, limit=_LINE_LIMIT, ssl=self._ssl,
                                            server_hostname=self.host if self._ssl else None),
                    self.connect_timeout)
            except (OSError, asyncio.TimeoutError) as e:
                raise connection_lost(f"cannot connect to txgate at {self.host}:{self.port}: {e}",
                                      sent=False) from e
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Connection(reader, writer)
            try:
                hello = await self._exchange(conn, self._credentials.hello(self.client_name))
            except BaseException:
                await conn.close()
                raise
            self.session, self.server, self.limits = hello["session"], hello["server"], hello["limits"]
            self.identity = hello.get("identity")
            self._conn = conn
            return conn

    async def _exchange(self, conn: _Connection, request: Mapping[str, Any]) -> Json:
        if conn.failure is not None:
            raise conn.failure
        conn.next_id += 1
        future: "asyncio.Future[Json]" = asyncio.get_running_loop().create_future()
        conn.waiting.append((conn.next_id, future))
        try:
            conn.writer.write(_frame(request, conn.next_id))
            await conn.writer.drain()
        except OSError as e:
            error = connection_lost(f"connection to txgate failed: {e}", sent=True)
            conn.fail(error)
            raise error from e
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except asyncio.TimeoutError:
            # The answer may still come, after answers the later calls are waiting for: the
            # connection can no longer be trusted to pair them, so it is given up.
            error = connection_lost(f"no answer within {self.timeout} s; the connection was closed", sent=True)
            conn.fail(error)
            if future.done() and not future.cancelled():
                future.exception()  # raised below, not lost
            raise error from None

    async def _request(self, request: Json, retries: int = 0) -> Json:
        _prepare_resends(request, retries)
        resend = 0
        while True:
            try:
                return await self._exchange(await self._open(), request)
            except TxgateError as e:
                if resend >= retries or self._closed or not _may_resend(e, request):
                    raise
            await asyncio.sleep(_backoff(resend))
            resend += 1

    async def execute(self, sql: str, params: Sequence[Any] = (), *, expect: Optional[Mapping[str, int]] = None,
                      isolation: Optional[str] = None, read_only: Optional[bool] = None,
                      request_key: Optional[str] = None, max_attempts: Optional[int] = None,
                      timeout_ms: Optional[int] = None, consistency: Optional[str] = None,
                      traceparent: Optional[str] = None,
                      retries: int = 0) -> Result:
        """Runs one statement as its own transaction and returns its Result (options as for
        Client.execute)."""
        return Result(await self._request(_execute_request(sql, params, expect, isolation, read_only,
                                                           request_key, max_attempts, timeout_ms, consistency,
                                                           traceparent),
                                          retries))

    async def batch(self, steps: Iterable[Step], *, isolation: Optional[str] = None,
                    read_only: Optional[bool] = None, request_key: Optional[str] = None,
                    max_attempts: Optional[int] = None, timeout_ms: Optional[int] = None,
                    consistency: Optional[str] = None,
                    traceparent: Optional[str] = None, retries: int = 0) -> BatchResult:
        """Runs several statements in one transaction: all or nothing (steps as for Client.batch)."""
        return BatchResult(await self._request(_batch_request(steps, isolation, read_only, request_key,
                                                              max_attempts, timeout_ms, consistency,
                                                              traceparent), retries))

    async def call(self, name: str, args: Optional[Mapping[str, Any]] = None, *,
                   request_key: Optional[str] = None, max_attempts: Optional[int] = None,
                   timeout_ms: Optional[int] = None, consistency: Optional[str] = None,
                   traceparent: Optional[str] = None,
                   retries: int = 0) -> BatchResult:
        """Runs a named operation defined on the server."""
        return BatchResult(await self._request(_call_request(name, args, request_key, max_attempts, timeout_ms,
                                                             consistency, traceparent), retries))

    async def ping(self) -> bool:
        await self._request({"op": "ping"})
        return True

    async def operations(self) -> List[Json]:
        """The named operations the server offers, with their parameters."""
        ops: List[Json] = (await self._request({"op": "operations"}))["operations"]
        return ops
