import base64
import datetime as _dt
import decimal
import json
import re
import socket

PROTOCOL_VERSION = 1


class TxgateError(Exception):
    """An error answer from txgate, or a broken connection (code "CONNECTION").

    code: the protocol's error code, e.g. "SQL_ERROR", "CONFLICT", "RETRIES_EXHAUSTED".
    retryable: whether sending the same request again may succeed.
    sql_state, vendor_code: MySQL's SQLSTATE and error number, for SQL errors.
    step: the index of the failing statement of a batch or operation, when known.
    """

    def __init__(self, code, message, retryable=False, sql_state=None, vendor_code=None, step=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable
        self.sql_state = sql_state
        self.vendor_code = vendor_code
        self.step = step


_TIME = re.compile(r"^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$")


def _time(text):
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"not a TIME value: {text!r}")
    sign, h, mi, s, frac = m.groups()
    delta = _dt.timedelta(hours=int(h), minutes=int(mi), seconds=int(s),
                          microseconds=int((frac or "0").ljust(6, "0")))
    return -delta if sign else delta


def _decode(wire_type, v):
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


def _encode(v):
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
    if isinstance(v, _dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (_dt.date, _dt.time)):
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
    affected_rows, last_insert_id; attempts on the result of an execute."""

    def __init__(self, raw):
        self.columns = raw.get("columns", [])
        self.types = raw.get("types", [])
        self.rows = [tuple(_decode(t, v) for t, v in zip(self.types, row)) for row in raw.get("rows", [])]
        self.affected_rows = raw.get("affectedRows", 0)
        self.last_insert_id = int(raw.get("lastInsertId", 0))
        self.attempts = raw.get("attempts")
        self.replayed = raw.get("replayed", False)

    def dicts(self):
        """The rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def scalar(self):
        """The first column of the first row, or None."""
        return self.rows[0][0] if self.rows else None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __repr__(self):
        return f"Result(columns={self.columns}, rows={len(self.rows)}, affected_rows={self.affected_rows})"


class BatchResult(list):
    """The results of a batch or a named operation, one Result per step, plus attempts."""

    def __init__(self, raw):
        super().__init__(Result(r) for r in raw.get("results", []))
        self.attempts = raw.get("attempts")
        self.replayed = raw.get("replayed", False)


def _options(request, isolation=None, read_only=None, request_key=None, max_attempts=None):
    if isolation is not None:
        request["isolation"] = isolation
    if read_only is not None:
        request["readOnly"] = read_only
    if request_key is not None:
        request["requestKey"] = request_key
    if max_attempts is not None:
        request["maxAttempts"] = max_attempts
    return request


def _execute_request(sql, params, expect, isolation, read_only, request_key, max_attempts):
    request = {"op": "execute", "sql": sql, "params": [_encode(p) for p in params]}
    if expect:
        request["expect"] = expect
    return _options(request, isolation, read_only, request_key, max_attempts)


def _batch_request(steps, isolation, read_only, request_key, max_attempts):
    wire = []
    for step in steps:
        if isinstance(step, dict):
            s = {"sql": step["sql"], "params": [_encode(p) for p in step.get("params", ())]}
            if step.get("expect"):
                s["expect"] = step["expect"]
        else:
            sql, params = (step, ()) if isinstance(step, str) else step
            s = {"sql": sql, "params": [_encode(p) for p in params]}
        wire.append(s)
    return _options({"op": "batch", "steps": wire}, isolation, read_only, request_key, max_attempts)


def _call_request(name, args, request_key, max_attempts):
    request = {"op": "call", "name": name, "args": {k: _encode(v) for k, v in (args or {}).items()}}
    return _options(request, None, None, request_key, max_attempts)


def _hello_request(client_name):
    hello = {"op": "hello", "protocol": PROTOCOL_VERSION}
    if client_name:
        hello["client"] = client_name
    return hello


def _frame(request, request_id):
    return json.dumps(dict(request, id=request_id), separators=(",", ":")).encode("utf-8") + b"\n"


def _result(response, expected_id):
    """The result of a response to request expected_id, or the TxgateError it carries."""
    if response.get("id") != expected_id and response.get("id") is not None:
        raise TxgateError("CONNECTION", f"response for {response.get('id')!r}, expected {expected_id}")
    if not response.get("ok"):
        e = response.get("error", {})
        raise TxgateError(e.get("code", "INTERNAL"), e.get("message", ""), e.get("retryable", False),
                          e.get("sqlState"), e.get("vendorCode"), e.get("step"))
    return response["result"]


class Client:
    """A connection to txgate. Use it as a context manager, or call close()."""

    def __init__(self, host="127.0.0.1", port=7400, client_name=None, timeout=60.0, connect_timeout=10.0):
        self._sock = socket.create_connection((host, port), timeout=connect_timeout)
        self._sock.settimeout(timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._file = self._sock.makefile("rwb")
        self._next_id = 0
        result = self._request(_hello_request(client_name))
        self.session = result["session"]
        self.server = result["server"]
        self.limits = result["limits"]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        try:
            self._file.close()
        finally:
            self._sock.close()

    def _request(self, request):
        self._next_id += 1
        try:
            self._file.write(_frame(request, self._next_id))
            self._file.flush()
            line = self._file.readline()
        except OSError as e:
            raise TxgateError("CONNECTION", f"connection to txgate failed: {e}", retryable=True) from e
        if not line:
            raise TxgateError("CONNECTION", "txgate closed the connection", retryable=True)
        return _result(json.loads(line), self._next_id)

    def execute(self, sql, params=(), *, expect=None, isolation=None, read_only=None, request_key=None,
                max_attempts=None):
        """Runs one statement as its own transaction and returns its Result."""
        return Result(self._request(_execute_request(sql, params, expect, isolation, read_only, request_key,
                                                     max_attempts)))

    def batch(self, steps, *, isolation=None, read_only=None, request_key=None, max_attempts=None):
        """Runs several statements in one transaction: all or nothing.

        steps: (sql, params) tuples, or dicts with "sql", "params" and optionally "expect".
        """
        return BatchResult(self._request(_batch_request(steps, isolation, read_only, request_key, max_attempts)))

    def call(self, name, args=None, *, request_key=None, max_attempts=None):
        """Runs a named operation defined on the server."""
        return BatchResult(self._request(_call_request(name, args, request_key, max_attempts)))

    def ping(self):
        self._request({"op": "ping"})
        return True

    def operations(self):
        """The named operations the server offers, with their parameters."""
        return self._request({"op": "operations"})["operations"]
