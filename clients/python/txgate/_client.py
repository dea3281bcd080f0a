"""The synchronous client, and what it shares with the asyncio one: the value mapping both ways,
the requests, and the rules for resending a request under its request key."""
import base64
import datetime as _dt
import decimal
import json
import random
import re
import socket
import time
import uuid
from typing import (Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union)

from ._tls import TlsOption, ssl_context
from ._errors import (CommitUnknownError, ConnectionLostError, TxgateError, connection_lost,
                      from_response)

PROTOCOL_VERSION = 1

#: A statement of a batch: "sql", ("sql", params) or {"sql": ..., "params": [...], "expect": {...}}.
Step = Union[str, Tuple[str, Sequence[Any]], Mapping[str, Any]]
Json = Dict[str, Any]

# Resends under a request key wait a random time between 0 and min(_BACKOFF_CAP, _BACKOFF_BASE *
# 2**n) seconds before resend n+1 (exponential back-off with full jitter).
_BACKOFF_BASE = 0.05
_BACKOFF_CAP = 2.0


def new_request_key() -> str:
    """A fresh request key (a random UUID's 32 hex digits): one per unit of work, kept for every
    resend of that work, so that it happens once however often it is sent."""
    return uuid.uuid4().hex


_TIME = re.compile(r"^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$")


def _time(text: str) -> _dt.timedelta:
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"not a TIME value: {text!r}")
    sign, h, mi, s, frac = m.groups()
    delta = _dt.timedelta(hours=int(h), minutes=int(mi), seconds=int(s),
                          microseconds=int((frac or "0").ljust(6, "0")))
    return -delta if sign else delta


def _decode(wire_type: str, v: Any) -> Any:
    """Turns one JSON value into the exact Python value for its column's wire type."""
    if v is None:
        return None
    if wire_type == "integer":
        return int(v)
    if wire_type == "decimal":
        return decimal.Decimal(v)
    if wire_type == "float":
        return float(v)
    if wire_type == "binary":
        return base64.b64decode(v["$base64"])
    if wire_type == "date":
        return _dt.date.fromisoformat(v)
    if wire_type == "datetime":
        return _dt.datetime.fromisoformat(v)
    if wire_type == "time":
        return _time(v)
    if isinstance(v, dict) and "$base64" in v:
        return base64.b64decode(v["$base64"])
    return v


def _encode(v: Any) -> Any:
    """Turns one Python parameter into its JSON form; exact types travel as text."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        # Beyond 64 bits JSON parsers disagree; MySQL converts the decimal text exactly.
        return v if -(1 << 63) <= v < (1 << 63) else str(v)
    if isinstance(v, float):
        return v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"$base64": base64.b64encode(bytes(v)).decode("ascii")}
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        # ISO 8601 with the "T" separator: the form PROTOCOL.md gives for a datetime argument of
        # a named operation, and one MySQL accepts for any date-time parameter.
        return v.isoformat()
    if isinstance(v, _dt.timedelta):
        total = v.total_seconds()
        sign = "-" if total < 0 else ""
        micros = abs(round(total * 1_000_000))
        seconds, micros = divmod(micros, 1_000_000)
        return f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{micros:06d}"
    raise TypeError(f"cannot send a {type(v).__name__} as a parameter")


class Result:
    """One statement's result: columns, types, rows (tuples of exact Python values),
    affected_rows, last_insert_id; attempts and replayed on the result of an execute."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.columns: List[str] = list(raw.get("columns", []))
        self.types: List[str] = list(raw.get("types", []))
        self.rows: List[Tuple[Any, ...]] = [tuple(_decode(t, v) for t, v in zip(self.types, row))
                                            for row in raw.get("rows", [])]
        self.affected_rows: int = int(raw.get("affectedRows", 0))
        self.last_insert_id: int = int(raw.get("lastInsertId", 0))
        self.attempts: Optional[int] = raw.get("attempts")
        self.replayed: bool = bool(raw.get("replayed", False))

    def dicts(self) -> List[Dict[str, Any]]:
        """The rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self.rows[0][0] if self.rows else None

    def __iter__(self) -> Iterator[Tuple[Any, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"Result(columns={self.columns}, rows={len(self.rows)}, affected_rows={self.affected_rows})"


class BatchResult(List[Result]):
    """The results of a batch or a named operation, one Result per step, plus attempts and
    replayed."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        super().__init__(Result(r) for r in raw.get("results", []))
        self.attempts: Optional[int] = raw.get("attempts")
        self.replayed: bool = bool(raw.get("replayed", False))


def _options(request: Json, isolation: Optional[str] = None, read_only: Optional[bool] = None,
             request_key: Optional[str] = None, max_attempts: Optional[int] = None,
             timeout_ms: Optional[int] = None, consistency: Optional[str] = None,
             traceparent: Optional[str] = None) -> Json:
    if isolation is not None:
        request["isolation"] = isolation
    if read_only is not None:
        request["readOnly"] = read_only
    if request_key is not None:
        request["requestKey"] = request_key
    if max_attempts is not None:
        request["maxAttempts"] = max_attempts
    if timeout_ms is not None:
        request["timeoutMs"] = timeout_ms
    if consistency is not None:
        request["consistency"] = consistency
    if traceparent is not None:
        request["traceparent"] = traceparent
    return request


def _execute_request(sql: str, params: Sequence[Any], expect: Optional[Mapping[str, int]],
                     isolation: Optional[str], read_only: Optional[bool], request_key: Optional[str],
                     max_attempts: Optional[int], timeout_ms: Optional[int] = None,
                     consistency: Optional[str] = None, traceparent: Optional[str] = None) -> Json:
    request: Json = {"op": "execute", "sql": sql, "params": [_encode(p) for p in params]}
    if expect:
        request["expect"] = dict(expect)
    return _options(request, isolation, read_only, request_key, max_attempts, timeout_ms, consistency, traceparent)


def _batch_request(steps: Iterable[Step], isolation: Optional[str], read_only: Optional[bool],
                   request_key: Optional[str], max_attempts: Optional[int],
                   timeout_ms: Optional[int] = None, consistency: Optional[str] = None,
                   traceparent: Optional[str] = None) -> Json:
    wire = []
    for step in steps:
        if isinstance(step, Mapping):
            s: Json = {"sql": step["sql"], "params": [_encode(p) for p in step.get("params", ())]}
            if step.get("expect"):
                s["expect"] = dict(step["expect"])
        elif isinstance(step, str):
            s = {"sql": step, "params": []}
        else:
            sql, params = step
            s = {"sql": sql, "params": [_encode(p) for p in params]}
        wire.append(s)
    return _options({"op": "batch", "steps": wire}, isolation, read_only, request_key, max_attempts,
                    timeout_ms, consistency, traceparent)


def _call_request(name: str, args: Optional[Mapping[str, Any]], request_key: Optional[str],
                  max_attempts: Optional[int], timeout_ms: Optional[int] = None,
                  consistency: Optional[str] = None, traceparent: Optional[str] = None) -> Json:
    request: Json = {"op": "call", "name": name, "args": {k: _encode(v) for k, v in (args or {}).items()}}
    return _options(request, None, None, request_key, max_attempts, timeout_ms, consistency, traceparent)


def _hello_request(client_name: Optional[str], token: Optional[str] = None, jwt: Optional[str] = None) -> Json:
    hello: Json = {"op": "hello", "protocol": PROTOCOL_VERSION}
    if client_name:
        hello["client"] = client_name
    if token is not None:
        hello["token"] = token
    if jwt is not None:
        hello["jwt"] = jwt
    return hello


class _Credentials:
    """The secret a client authenticates with. Kept apart from the client's public attributes, and
    shown by repr() as its kind only, so that printing or logging a client never shows it."""

    __slots__ = ("_token", "_jwt")

    def __init__(self, token: Optional[str], jwt: Optional[str]) -> None:
        if token is not None and not isinstance(token, str):
            raise TypeError("token must be a string")
        if jwt is not None and not isinstance(jwt, str):
            raise TypeError("jwt must be a string")
        self._token = token
        self._jwt = jwt

    def hello(self, client_name: Optional[str]) -> Json:
        return _hello_request(client_name, self._token, self._jwt)

    def __repr__(self) -> str:
        kinds = [k for k, v in (("token", self._token), ("jwt", self._jwt)) if v is not None]
        return f"<credentials: {', '.join(kinds) or 'none'}>"


def _frame(request: Mapping[str, Any], request_id: int) -> bytes:
    return json.dumps(dict(request, id=request_id), separators=(",", ":")).encode("utf-8") + b"\n"


def _result(response: Mapping[str, Any]) -> Json:
    """The result of a response, or the TxgateError it carries."""
    if not response.get("ok"):
        raise from_response(response.get("error") or {})
    result: Json = response["result"]
    return result


def _answers(response: Mapping[str, Any], expected_id: int) -> bool:
    """Whether a response is the answer to request expected_id (an id of null answers a request
    the server could not read, or comes just before it closes the connection)."""
    return response.get("id") in (expected_id, None)


def _prepare_resends(request: Json, retries: int) -> Json:
    """A request that resends are to be safe for: one that changes data gets a new request key
    unless it has one (a readOnly request may not carry one, and needs none)."""
    if retries < 0:
        raise ValueError("retries must be 0 or more")
    if retries and "requestKey" not in request and not request.get("readOnly"):
        request["requestKey"] = new_request_key()
    return request


def _may_resend(error: TxgateError, request: Mapping[str, Any]) -> bool:
    """Whether the request may be sent again after this error: the server said it may succeed,
    or the outcome is unknown and the request key makes a resend exactly-once."""
    if isinstance(error, ConnectionLostError):
        return error.retryable and ("requestKey" in request or error.committed == "no"
                                    or bool(request.get("readOnly")) or request.get("op") in ("ping", "operations"))
    if isinstance(error, CommitUnknownError):
        return "requestKey" in request
    return error.retryable


def _backoff(resend: int) -> float:
    return random.uniform(0, min(_BACKOFF_CAP, _BACKOFF_BASE * (2 ** resend)))


class Client:
    """A connection to txgate. Use it as a context manager, or call close().

    A call that gets no answer within ``timeout`` seconds, or whose connection breaks, raises
    ConnectionLostError and closes the connection; the next call opens a new one. close() is
    idempotent and never raises.

    On a server with clients configured, pass ``token`` (with ``client_name`` the configured
    client's name) or ``jwt`` (its ``sub`` names the client): every connection the client opens,
    reconnections too, authenticates with it in its hello. A refused credential raises
    RequestError with code UNAUTHENTICATED. ``identity`` is the client the server authenticated
    the connection as (None on a server without clients).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 7400, client_name: Optional[str] = None,
                 timeout: Optional[float] = 60.0, connect_timeout: Optional[float] = 10.0, *,
                 tls: TlsOption = None, ca_file: Optional[str] = None, cert_file: Optional[str] = None,
                 key_file: Optional[str] = None, token: Optional[str] = None, jwt: Optional[str] = None) -> None:
        self.host = host
        self.port = port
        self.client_name = client_name
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._ssl = ssl_context(tls, ca_file, cert_file, key_file)
        self._credentials = _Credentials(token, jwt)
        self._sock: Optional[socket.socket] = None
        self._file: Optional[Any] = None
        self._closed = False
        self._next_id = 0
        self.session: Optional[str] = None
        self.server: Optional[str] = None
        self.limits: Dict[str, int] = {}
        self.identity: Optional[str] = None
        self._connect()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        except OSError as e:
            raise connection_lost(f"cannot connect to txgate at {self.host}:{self.port}: {e}", sent=False) from e
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._ssl is not None:
                # The handshake runs under connect_timeout; ssl.SSLError (a bad certificate, a host
                # name the certificate does not name) is an OSError too.
                sock = self._ssl.wrap_socket(sock, server_hostname=self.host)
            sock.settimeout(self.timeout)
        except OSError as e:
            sock.close()
            raise connection_lost(f"cannot connect to txgate at {self.host}:{self.port}: {e}", sent=False) from e
        self._sock = sock
        self._file = sock.makefile("rwb")
        try:
            result = self._exchange(self._credentials.hello(self.client_name))
        except BaseException:
            self._drop()
            raise
        self.session = result["session"]
        self.server = result["server"]
        self.limits = result["limits"]
        self.identity = result.get("identity")

    def _drop(self) -> None:
        """Closes the connection, whatever state it is in, without raising."""
        f, sock = self._file, self._sock
        self._file = self._sock = None
        if f is not None:
            try:
                f.close()
            except OSError:
                pass  # unsent bytes of a broken connection: nobody can receive them now
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def close(self) -> None:
        """Closes the connection. Calling it again, or after the connection broke, does nothing."""
        self._closed = True
        self._drop()

    @property
    def connected(self) -> bool:
        """Whether the client holds an open connection (a lost one is reopened by the next call)."""
        return self._sock is not None

    def _exchange(self, request: Mapping[str, Any]) -> Json:
        """Sends one request and reads its answer; on any failure the connection is closed."""
        if self._sock is None or self._file is None:
            if self._closed:
                raise ConnectionLostError("CONNECTION", "the client is closed", False, "no")
            self._connect()
        assert self._sock is not None and self._file is not None
        self._next_id += 1
        request_id = self._next_id
        # From here on a failure leaves the outcome unknown: even a write that failed may have
        # delivered the whole request.
        try:
            self._sock.settimeout(self.timeout)
            self._file.write(_frame(request, request_id))
            self._file.flush()
            line = self._file.readline()
        except socket.timeout as e:
            self._drop()
            raise connection_lost(f"no answer within {self.timeout} s; the connection was closed",
                                  sent=True) from e
        except OSError as e:
            self._drop()
            raise connection_lost(f"connection to txgate failed: {e}", sent=True) from e
        if not line:
            self._drop()
            raise connection_lost("txgate closed the connection", sent=True)
        try:
            response = json.loads(line)
        except ValueError as e:
            self._drop()
            raise connection_lost(f"txgate sent something that is not JSON: {e}", sent=True) from e
        if not isinstance(response, dict) or not _answers(response, request_id):
            self._drop()
            got = response.get("id") if isinstance(response, dict) else response
            raise connection_lost(f"answer for {got!r}, expected {request_id}", sent=True)
        return _result(response)

    def _request(self, request: Json, retries: int = 0) -> Json:
        """Sends a request; with retries, resends it (under its request key) after errors that
        allow it, reconnecting when the connection was lost."""
        _prepare_resends(request, retries)
        resend = 0
        while True:
            try:
                return self._exchange(request)
            except TxgateError as e:
                if resend >= retries or self._closed or not _may_resend(e, request):
                    raise
            time.sleep(_backoff(resend))
            resend += 1

    def execute(self, sql: str, params: Sequence[Any] = (), *, expect: Optional[Mapping[str, int]] = None,
                isolation: Optional[str] = None, read_only: Optional[bool] = None,
                request_key: Optional[str] = None, max_attempts: Optional[int] = None,
                timeout_ms: Optional[int] = None, consistency: Optional[str] = None, traceparent: Optional[str] = None,
                retries: int = 0) -> Result:
        """Runs one statement as its own transaction and returns its Result.

        traceparent: the caller's W3C trace context ("00-<trace id>-<span id>-<flags>"); on a server
        with tracing on, the request's spans join that trace.

        consistency: "primary" keeps a read_only request off the server's read replicas; "any"
        (the server's default) lets it go to one.

        retries: how many times to resend after an error that allows it (a retryable one, or a
        lost connection or COMMIT_UNKNOWN when the request has a request key); a request that is
        not read-only gets a new request key when it has none, so a resend is exactly-once.
        """
        return Result(self._request(_execute_request(sql, params, expect, isolation, read_only, request_key,
                                                     max_attempts, timeout_ms, consistency, traceparent), retries))

    def batch(self, steps: Iterable[Step], *, isolation: Optional[str] = None, read_only: Optional[bool] = None,
              request_key: Optional[str] = None, max_attempts: Optional[int] = None,
              timeout_ms: Optional[int] = None, consistency: Optional[str] = None, traceparent: Optional[str] = None,
              retries: int = 0) -> BatchResult:
        """Runs several statements in one transaction: all or nothing.

        steps: (sql, params) tuples, or dicts with "sql", "params" and optionally "expect".
        """
        return BatchResult(self._request(_batch_request(steps, isolation, read_only, request_key, max_attempts,
                                                        timeout_ms, consistency, traceparent), retries))

    def call(self, name: str, args: Optional[Mapping[str, Any]] = None, *, request_key: Optional[str] = None,
             max_attempts: Optional[int] = None, timeout_ms: Optional[int] = None,
             consistency: Optional[str] = None, traceparent: Optional[str] = None, retries: int = 0) -> BatchResult:
        """Runs a named operation defined on the server."""
        return BatchResult(self._request(_call_request(name, args, request_key, max_attempts, timeout_ms,
                                                       consistency, traceparent), retries))

    def ping(self) -> bool:
        self._request({"op": "ping"})
        return True

    def operations(self) -> List[Json]:
        """The named operations the server offers, with their parameters."""
        ops: List[Json] = self._request({"op": "operations"})["operations"]
        return ops
