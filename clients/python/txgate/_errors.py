"""The error model: one base class, TxgateError, and a subclass per family of error codes.

Every error keeps the protocol's ``code``, ``retryable`` (as the server sent it) and ``committed``:
"no", "unknown" or "yes", what the error says about the data (PROTOCOL.md, "What an error says
about the data").
"""
from typing import Any, Dict, Mapping, Optional, Type

#: committed values
NO = "no"
UNKNOWN = "unknown"
YES = "yes"


class TxgateError(Exception):
    """An error answer from txgate, or a connection to it that failed (code "CONNECTION").

    code: the protocol's error code, e.g. "SQL_ERROR", "CONFLICT", "RETRIES_EXHAUSTED".
    message: the server's message, for humans.
    retryable: whether sending the same request again may succeed, as the server said.
    committed: "no" (nothing of the request is in the database), "unknown" (it may or may not
        have committed: resend only with the same request key, or read the data first) or "yes".
    sql_state, vendor_code: MySQL's SQLSTATE and error number, when the database produced it.
    step: the index of the failing statement of a batch or operation, when known.
    ref: the correlation id of an INTERNAL error, to search the server's log for.
    """

    def __init__(self, code: str, message: str, retryable: bool = False, committed: str = NO,
                 sql_state: Optional[str] = None, vendor_code: Optional[int] = None,
                 step: Optional[int] = None, ref: Optional[str] = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable
        self.committed = committed
        self.sql_state = sql_state
        self.vendor_code = vendor_code
        self.step = step
        self.ref = ref


class RequestError(TxgateError):
    """The request was refused before anything ran: BAD_REQUEST, FRAME_TOO_LARGE,
    UNKNOWN_OPERATION, FORBIDDEN, UNAUTHENTICATED. Sent again as it is, it fails the same way."""


class SqlError(TxgateError):
    """The database rejected a statement, or it returned too many rows: SQL_ERROR,
    RESULT_TOO_LARGE. The transaction was rolled back."""


class ConflictError(TxgateError):
    """A statement missed its expectation (CONFLICT); ``step`` names it. Rolled back: read again
    and decide."""


class TransientError(TxgateError):
    """The request did not run, or was stopped and rolled back, for a reason that may pass:
    UNAVAILABLE, BUSY, TIMEOUT, RETRIES_EXHAUSTED. Retryable; nothing was committed."""


class CommitUnknownError(TxgateError):
    """COMMIT_UNKNOWN: the transaction may or may not have committed. Resend only with the same
    request key, or read the data first."""


class InternalError(TxgateError):
    """INTERNAL: a bug in txgate; rolled back. Report it with ``ref``. Also raised for an error
    code this client does not know (with committed "unknown", since it cannot tell)."""


class ConnectionLostError(TxgateError):
    """Code "CONNECTION": txgate could not be reached, the connection broke, or no answer came
    within the client's timeout (then the client closes the connection, since a late answer could
    no longer be paired with its call). ``committed`` is "unknown" when a request was sent and its
    answer did not arrive, "no" when nothing was sent. Retryable: resend with the same request
    key."""


_FAMILIES: Dict[str, Type[TxgateError]] = {
    "BAD_REQUEST": RequestError,
    "FRAME_TOO_LARGE": RequestError,
    "UNKNOWN_OPERATION": RequestError,
    "FORBIDDEN": RequestError,
    "UNAUTHENTICATED": RequestError,
    "SQL_ERROR": SqlError,
    "RESULT_TOO_LARGE": SqlError,
    "CONFLICT": ConflictError,
    "UNAVAILABLE": TransientError,
    "BUSY": TransientError,
    "TIMEOUT": TransientError,
    "RETRIES_EXHAUSTED": TransientError,
    "COMMIT_UNKNOWN": CommitUnknownError,
    "INTERNAL": InternalError,
}


def from_response(error: Mapping[str, Any]) -> TxgateError:
    """The TxgateError subclass instance for a response's ``error`` object."""
    code = str(error.get("code", "INTERNAL"))
    family = _FAMILIES.get(code)
    if code == "COMMIT_UNKNOWN" or family is None:
        committed = UNKNOWN
    else:
        committed = NO
    cls = family or InternalError
    return cls(code, str(error.get("message", "")), bool(error.get("retryable", False)), committed,
               error.get("sqlState"), error.get("vendorCode"), error.get("step"), error.get("ref"))


def connection_lost(message: str, sent: bool) -> ConnectionLostError:
    """A CONNECTION error; ``sent`` says whether a request was on its way, its answer missing."""
    return ConnectionLostError("CONNECTION", message, True, UNKNOWN if sent else NO)
