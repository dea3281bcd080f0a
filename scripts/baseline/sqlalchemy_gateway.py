#!/usr/bin/python3
"""The design txgate replaces, for the benchmark: one thread per client connection, each request
in its own SQLAlchemy scoped_session, speaking txgate's JSON-lines protocol (a subset: hello,
ping, execute, batch, call transfer). Deliberately naive: no retries, no deadlines, no limits.

Needs Debian's SQLAlchemy 1.4 and PyMySQL 1.0 (apt-get install -y python3-sqlalchemy
python3-pymysql), hence /usr/bin/python3 rather than whatever python3 is first on PATH.

  sqlalchemy_gateway.py --listen 127.0.0.1:7650 --db mysql://root@127.0.0.1:3306/test --pool 16
"""
import argparse
import base64
import datetime
import decimal
import json
import signal
import socketserver
import sys
import threading

from sqlalchemy import create_engine, exc, text
from sqlalchemy.orm import scoped_session, sessionmaker

# The statements of the named operation `transfer` in conf/operations.yaml, copied here (this
# script reads no YAML) with its :name placeholders turned into ?. Keep the two in step.
TRANSFER = [
  ("SELECT id FROM accounts WHERE id IN (?, ?) ORDER BY id FOR UPDATE", ("from", "to"), {"rowCount": 2}),
  ("UPDATE accounts SET balance = balance - ?, version = version + 1"
   " WHERE id = ? AND balance >= ? AND ? > 0", ("amount", "from", "amount", "amount"), {"affectedRows": 1}),
  ("UPDATE accounts SET balance = balance + ?, version = version + 1 WHERE id = ?",
   ("amount", "to"), {"affectedRows": 1}),
  ("INSERT INTO ledger (from_id, to_id, amount) VALUES (?, ?, ?)", ("from", "to", "amount"), None),
]

# MySQL server error numbers (https://dev.mysql.com/doc/mysql-errors/en/server-error-reference.html)
# and client ones (2003 cannot connect, 2006 gone away, 2013 lost during query).
ERRNO_CODES = {1213: "DEADLOCK", 1205: "LOCK_WAIT_TIMEOUT"}
UNAVAILABLE_ERRNOS = {2003, 2006, 2013}
MAX_SAFE_INTEGER = 2 ** 53 - 1


class RequestError(Exception):
  """A request's failure, already in protocol terms."""

  def __init__(self, code, message, retryable=False, **extra):
    super().__init__(message)
    self.error = dict(code=code, message=message, retryable=retryable, **extra)


def to_named(sql):
  """Turns `?` placeholders outside quotes and comments into :p0, :p1, ... for text(), and
  escapes every other colon so that text() takes nothing else for a parameter. Values never go
  into the SQL text: they reach the driver as bound parameters. Returns (sql, placeholder count)."""
  out, n, i, end = [], 0, 0, len(sql)
  while i < end:
    c = sql[i]
    if c in "'\"`":
      j = i + 1
      while j < end and sql[j] != c:
        j += 2 if sql[j] == "\\" and c != "`" else 1
      j = min(j + 1, end)
    elif sql.startswith("/*", i):
      j = sql.find("*/", i + 2)
      j = end if j < 0 else j + 2
    elif sql.startswith("-- ", i) or c == "#":
      j = sql.find("\n", i)
      j = end if j < 0 else j
    else:
      out.append(":p%d" % n if c == "?" else "\\:" if c == ":" else c)
      n += c == "?"
      i += 1
      continue
    out.append(sql[i:j].replace(":", "\\:"))
    i = j
  return "".join(out), n


def wire_value(v):
  """One column value in txgate's JSON form (PROTOCOL.md section 4)."""
  if isinstance(v, bool) or v is None or isinstance(v, (float, str)):
    return v
  if isinstance(v, int):
    return v if abs(v) <= MAX_SAFE_INTEGER else str(v)
  if isinstance(v, decimal.Decimal):
    return format(v, "f")
  if isinstance(v, (bytes, bytearray)):
    return {"$base64": base64.b64encode(v).decode("ascii")}
  if isinstance(v, (datetime.date, datetime.datetime, datetime.time)):
    return v.isoformat()
  if isinstance(v, datetime.timedelta):
    return str(v)
  return str(v)


def bound(index, value):
  """A JSON parameter as the driver takes it: {"$base64": ...} is bytes, other objects are refused."""
  if isinstance(value, dict) and set(value) == {"$base64"} and isinstance(value["$base64"], str):
    try:
      return base64.b64decode(value["$base64"], validate=True)
    except ValueError:
      pass
  if isinstance(value, (dict, list)):
    raise RequestError("BAD_REQUEST", "step %d: a parameter is a scalar or {\"$base64\": ...}" % index, step=index)
  return value


def run_statement(session, index, sql, params, expect):
  if not isinstance(sql, str) or not isinstance(params, list):
    raise RequestError("BAD_REQUEST", "step %d: sql must be a string and params an array" % index, step=index)
  named, count = to_named(sql)
  if count != len(params):
    raise RequestError("BAD_REQUEST", "step %d: %d placeholders, %d params" % (index, count, len(params)), step=index)
  result = session.execute(text(named), {"p%d" % i: bound(index, p) for i, p in enumerate(params)})
  columns = list(result.keys()) if result.returns_rows else []
  rows = [[wire_value(v) for v in row] for row in result] if result.returns_rows else []
  affected = 0 if result.returns_rows else result.rowcount
  expect = expect or {}
  for key, got in (("affectedRows", affected), ("rowCount", len(rows))):
    if key in expect and expect[key] != got:
      raise RequestError("CONFLICT", "step %d: expected %s %s, got %d" % (index, key, expect[key], got), step=index)
  last_id = 0 if result.returns_rows else result.lastrowid or 0
  return {"columns": columns, "rows": rows, "affectedRows": affected, "lastInsertId": last_id}


def transfer_steps(args):
  if not isinstance(args, dict) or set(args) != {"from", "to", "amount"}:
    raise RequestError("BAD_REQUEST", "transfer takes exactly the arguments from, to and amount")
  for name in ("from", "to"):
    if isinstance(args[name], bool) or not isinstance(args[name], (int, str)) or not str(args[name]).isdigit():
      raise RequestError("BAD_REQUEST", "%s must be an integer" % name)
  try:
    values = {"from": int(args["from"]), "to": int(args["to"]), "amount": decimal.Decimal(str(args["amount"]))}
  except decimal.InvalidOperation:
    raise RequestError("BAD_REQUEST", "amount must be a decimal")
  return [{"sql": sql, "params": [values[n] for n in names], "expect": expect} for sql, names, expect in TRANSFER]


class Gateway:
  """One request = one session = one transaction, the SQLAlchemy way."""

  def __init__(self, url, pool):
    self.engine = create_engine(url.replace("mysql://", "mysql+pymysql://", 1),
                                pool_size=pool, max_overflow=0, future=True)
    self.Session = scoped_session(sessionmaker(bind=self.engine, future=True))

  def answer(self, line):
    try:
      request = json.loads(line)
    except ValueError as e:
      return {"id": None, "ok": False, "error": {"code": "BAD_REQUEST", "message": "malformed JSON: %s" % e,
                                                 "retryable": False}}
    rid = request.get("id") if isinstance(request, dict) else None
    try:
      if not isinstance(request, dict) or not isinstance(rid, (int, float, str)) or isinstance(rid, bool):
        raise RequestError("BAD_REQUEST", "a request is an object with an id")
      return {"id": rid, "ok": True, "result": self.dispatch(request)}
    except RequestError as e:
      return {"id": rid, "ok": False, "error": e.error}
    except Exception as e:  # a parameter the driver cannot bind, a bug here: answer, keep the connection
      return {"id": rid, "ok": False, "error": {"code": "INTERNAL", "message": repr(e), "retryable": False}}

  def dispatch(self, request):
    op = request.get("op")
    if op == "ping":
      return {}
    if op == "hello":
      return {"server": "sqlalchemy-baseline", "session": str(threading.get_ident()), "protocol": 1}
    if op == "execute":
      steps = [{"sql": request.get("sql"), "params": request.get("params", []), "expect": request.get("expect")}]
      result = self.transaction(steps)[0]
      result["attempts"] = 1
      return result
    if op == "batch":
      steps = request.get("steps")
      if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        raise RequestError("BAD_REQUEST", "steps must be a non-empty array of objects")
      return {"results": self.transaction(steps), "attempts": 1}
    if op == "call":
      if request.get("name") != "transfer":
        raise RequestError("UNKNOWN_OPERATION", "no operation %r here (only transfer)" % request.get("name"))
      return {"results": self.transaction(transfer_steps(request.get("args", {}))), "attempts": 1}
    raise RequestError("UNKNOWN_OPERATION", "unknown op %r" % op)

  def transaction(self, steps):
    session = self.Session()
    try:
      with session.begin():
        return [run_statement(session, i, s.get("sql"), s.get("params", []), s.get("expect"))
                for i, s in enumerate(steps)]
    except exc.TimeoutError as e:
      raise RequestError("BUSY", "no database connection free: %s" % e, retryable=True)
    except exc.DBAPIError as e:
      errno = e.orig.args[0] if e.orig is not None and e.orig.args else None
      message = e.orig.args[1] if e.orig is not None and len(e.orig.args) > 1 else str(e)
      if errno in UNAVAILABLE_ERRNOS:
        raise RequestError("UNAVAILABLE", message, retryable=True, vendorCode=errno)
      code = ERRNO_CODES.get(errno, "SQL_ERROR")
      raise RequestError(code, message, retryable=code != "SQL_ERROR", vendorCode=errno)
    finally:
      self.Session.remove()


class Handler(socketserver.StreamRequestHandler):
  """One thread per client connection: reads a line, answers it, reads the next."""

  def handle(self):
    for line in self.rfile:
      if line.strip():
        answer = self.server.gateway.answer(line.decode("utf-8", "replace"))
        self.wfile.write((json.dumps(answer, default=str) + "\n").encode("utf-8"))


class Server(socketserver.ThreadingTCPServer):
  daemon_threads = True
  # The listen backlog: socketserver's default of 5 refuses a benchmark's burst of connects.
  allow_reuse_address = True
  request_queue_size = 1024

  def handle_error(self, request, client_address):
    # A client that hangs up mid-answer is normal under load; anything else is printed.
    if not isinstance(sys.exc_info()[1], ConnectionError):
      super().handle_error(request, client_address)


def main():
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--listen", required=True, help="host:port")
  parser.add_argument("--db", required=True, help="mysql://user[:pw]@host:port/db")
  parser.add_argument("--pool", type=int, default=16, help="pool_size (max_overflow is 0)")
  options = parser.parse_args()
  host, port = options.listen.rsplit(":", 1)
  server = Server((host, int(port)), Handler)
  server.gateway = Gateway(options.db, options.pool)
  # SIGTERM (how a benchmark stops it) unwinds like Ctrl-C, so the pool closes its connections.
  signal.signal(signal.SIGTERM, signal.default_int_handler)
  print("listening on %s:%d" % server.server_address[:2], flush=True)
  try:
    server.serve_forever()
  except KeyboardInterrupt:
    pass
  finally:
    server.server_close()
    server.gateway.engine.dispose()


if __name__ == "__main__":
  sys.exit(main())
