"""txgate client for Python: the standard library only (socket and json), Python 3.9 or later.

    from txgate import Client

    with Client("127.0.0.1", 7400, client_name="billing") as db:
        rows = db.execute("SELECT id, balance FROM accounts WHERE id = ?", [1]).rows
        db.call("transfer", {"from": 1, "to": 2, "amount": "10.00"}, retries=3)

One Client is one TCP connection and is not thread-safe: give each thread its own. Every
execute, batch and call is one database transaction on the server. AsyncClient is the same for
asyncio, and lets several tasks pipeline requests on one connection. Errors are TxgateError
subclasses, one per family of error codes, each with code, retryable and committed.
"""

from ._async import AsyncClient
from ._client import BatchResult, Client, Result, new_request_key
from ._errors import (CommitUnknownError, ConflictError, ConnectionLostError, InternalError, RequestError,
                      SqlError, TransientError, TxgateError)

__version__ = "0.1.0"

__all__ = ["Client", "AsyncClient", "Result", "BatchResult", "new_request_key", "TxgateError", "RequestError",
           "SqlError", "ConflictError", "TransientError", "CommitUnknownError", "InternalError",
           "ConnectionLostError", "__version__"]
