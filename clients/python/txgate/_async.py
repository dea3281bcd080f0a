import asyncio
import collections
import json
import socket

from ._client import (BatchResult, Result, TxgateError, _batch_request, _call_request, _execute_request,
                      _frame, _hello_request, _result)

# A response line may be as large as a result the server allows (protocol.maxResultRows rows).
_LINE_LIMIT = 1 << 30


class AsyncClient:
    """An asyncio connection to txgate.

        async with await AsyncClient.connect("127.0.0.1", 7400, client_name="billing") as db:
            rows = (await db.execute("SELECT id, balance FROM accounts WHERE id = ?", [1])).rows
            a, b = await asyncio.gather(db.call("balance", {"id": 1}), db.call("balance", {"id": 2}))

    Several tasks may use one AsyncClient at once: their requests are pipelined on the one
    connection, run on the server one after another in the order they were sent, and each call
    gets its own answer. For requests that should run at the same time, open several clients.
    """

    def __init__(self, reader, writer, timeout):
        self._reader = reader
        self._writer = writer
        self._timeout = timeout
        self._next_id = 0
        # Answers come back in request order: the oldest waiting future gets the next answer.
        self._waiting = collections.deque()
        self._failure = None
        self._reading = asyncio.ensure_future(self._read_answers())
        self.session = self.server = self.limits = None

    @classmethod
    async def connect(cls, host="127.0.0.1", port=7400, client_name=None, timeout=60.0, connect_timeout=10.0):
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, limit=_LINE_LIMIT), connect_timeout)
        except (OSError, asyncio.TimeoutError) as e:
            raise TxgateError("CONNECTION", f"cannot connect to txgate at {host}:{port}: {e}",
                              retryable=True) from e
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = cls(reader, writer, timeout)
        try:
            hello = await client._request(_hello_request(client_name))
        except BaseException:
            await client.close()
            raise
        client.session, client.server, client.limits = hello["session"], hello["server"], hello["limits"]
        return client

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
        return False

    async def close(self):
        """Closes the connection; calls still waiting fail with CONNECTION."""
        self._fail(TxgateError("CONNECTION", "the client was closed", retryable=True))
        self._reading.cancel()
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except OSError:
            pass

    def _fail(self, error):
        if self._failure is None:
            self._failure = error
        while self._waiting:
            _, future = self._waiting.popleft()
            if not future.done():
                future.set_exception(error)

    async def _read_answers(self):
        try:
            while True:
                line = await self._reader.readline()
                if not line:
                    raise TxgateError("CONNECTION", "txgate closed the connection", retryable=True)
                if not self._waiting:
                    raise TxgateError("CONNECTION", "txgate sent an answer nobody asked for")
                request_id, future = self._waiting.popleft()
                response = json.loads(line)
                if response.get("id") not in (request_id, None):
                    future.cancel()
                    raise TxgateError("CONNECTION", f"answer for {response.get('id')!r}, expected {request_id}")
                try:
                    outcome = _result(response, request_id)
                except TxgateError as e:
                    if not future.done():
                        future.set_exception(e)
                    continue
                if not future.done():
                    future.set_result(outcome)
        except asyncio.CancelledError:
            raise
        except TxgateError as e:
            self._fail(e)
        except (OSError, ValueError) as e:
            self._fail(TxgateError("CONNECTION", f"connection to txgate failed: {e}", retryable=True))

    async def _request(self, request):
        if self._failure is not None:
            raise self._failure
        self._next_id += 1
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((self._next_id, future))
        try:
            self._writer.write(_frame(request, self._next_id))
            await self._writer.drain()
        except OSError as e:
            error = TxgateError("CONNECTION", f"connection to txgate failed: {e}", retryable=True)
            self._fail(error)
            raise error from e
        try:
            return await asyncio.wait_for(asyncio.shield(future), self._timeout)
        except asyncio.TimeoutError:
            # The answer may still come, after answers the later calls are waiting for: the
            # connection can no longer be trusted to pair them, so it is given up.
            error = TxgateError("CONNECTION", f"no answer within {self._timeout} s", retryable=True)
            self._fail(error)
            self._writer.close()
            raise error from None

    async def execute(self, sql, params=(), *, expect=None, isolation=None, read_only=None, request_key=None,
                      max_attempts=None):
        """Runs one statement as its own transaction and returns its Result."""
        return Result(await self._request(_execute_request(sql, params, expect, isolation, read_only,
                                                           request_key, max_attempts)))

    async def batch(self, steps, *, isolation=None, read_only=None, request_key=None, max_attempts=None):
        """Runs several statements in one transaction: all or nothing (steps as for Client.batch)."""
        return BatchResult(await self._request(_batch_request(steps, isolation, read_only, request_key,
                                                              max_attempts)))

    async def call(self, name, args=None, *, request_key=None, max_attempts=None):
        """Runs a named operation defined on the server."""
        return BatchResult(await self._request(_call_request(name, args, request_key, max_attempts)))

    async def ping(self):
        await self._request({"op": "ping"})
        return True

    async def operations(self):
        """The named operations the server offers, with their parameters."""
        return (await self._request({"op": "operations"}))["operations"]
