"""txgate-cli: an SQL prompt and one-shot runner for txgate.

  txgate-cli                         interactive prompt (history in ~/.txgate_history)
  txgate-cli -e "SELECT * FROM accounts"
  txgate-cli --json -e "SELECT 1"
  txgate-cli --call transfer from=1 to=2 amount=10.00
  txgate-cli --operations
  echo "UPDATE accounts SET version = 0;" | txgate-cli
  TXGATE_TOKEN=... txgate-cli --client billing -e "SELECT 1"
  txgate-cli --client billing --token-file /etc/txgate/billing.token -e "SELECT 1"
  txgate-cli --jwt-file reports.jwt --operations

A token or JWT is never taken on the command line, where `ps` would show it: the token comes from
$TXGATE_TOKEN, another variable named by --token-env, or a file named by --token-file; a JWT from
a file named by --jwt-file.

Statements read from a pipe or file stop at the first one that fails.

Exit status: 0 on success, 1 when txgate answered with an error, 2 when it cannot be reached or
the arguments are wrong.
"""
import argparse
import base64
import datetime
import decimal
import json
import os
import sys
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, TextIO, Union

from . import __version__
from ._client import BatchResult, Client, Result
from ._errors import ConnectionLostError, TxgateError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


def show(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    return str(value)


def to_json(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return {"$base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    return value


def table(result: Result, out: TextIO) -> None:
    if not result.columns:
        out.write(f"OK, {result.affected_rows} row(s) affected"
                  + (f", last insert id {result.last_insert_id}" if result.last_insert_id else "") + "\n")
        return
    cells = [[show(v) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out.write(line + "\n")
    out.write("| " + " | ".join(c.ljust(w) for c, w in zip(result.columns, widths)) + " |\n")
    out.write(line + "\n")
    for r in cells:
        out.write("| " + " | ".join(v.rjust(w) if t in ("integer", "decimal", "float") else v.ljust(w)
                                    for v, w, t in zip(r, widths, result.types)) + " |\n")
    out.write(line + "\n")
    out.write(f"{len(cells)} row(s)\n")


def emit(outcome: Union[Result, BatchResult], as_json: bool, out: TextIO) -> None:
    """Prints the result of an execute, or the results of a call, with attempts and replayed."""
    results: List[Result] = list(outcome) if isinstance(outcome, BatchResult) else [outcome]
    if as_json:
        out.write(json.dumps([{"columns": r.columns, "types": r.types,
                               "rows": [[to_json(v) for v in row] for row in r.rows],
                               "affectedRows": r.affected_rows, "lastInsertId": r.last_insert_id,
                               "attempts": outcome.attempts, "replayed": outcome.replayed}
                              for r in results], indent=2) + "\n")
        return
    for r in results:
        table(r, out)
    if outcome.replayed:
        out.write("(replayed: the stored answer of the request key's first run)\n")


def parse_args_kv(pairs: Iterable[str]) -> Dict[str, Any]:
    """KEY=VALUE pairs as arguments: a VALUE that is JSON is taken as such, any other as a string."""
    args: Dict[str, Any] = {}
    for p in pairs:
        k, sep, v = p.partition("=")
        if not sep or not k:
            raise ValueError(f"expected key=value, got {p!r}")
        try:
            args[k] = json.loads(v)
        except ValueError:
            args[k] = v
    return args


def error(e: TxgateError) -> None:
    extra = []
    if e.vendor_code is not None:
        extra.append(f"MySQL {e.vendor_code}")
    if e.sql_state:
        extra.append(f"SQLSTATE {e.sql_state}")
    if e.step is not None:
        extra.append(f"step {e.step}")
    if e.committed != "no":
        extra.append(f"committed: {e.committed}")
    sys.stderr.write(f"ERROR {e.code}: {e.message}" + (f" ({', '.join(extra)})" if extra else "")
                     + (" [retryable]" if e.retryable else "") + "\n")


class CredentialError(Exception):
    """A credential option that names a variable or file that cannot be read. The message names the
    variable or file, never its content."""


def _read_secret(path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            secret = f.read().strip()
    except OSError as e:
        raise CredentialError(f"cannot read the {what} file {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise CredentialError(f"the {what} file {path} is not UTF-8 text") from None
    if not secret:
        raise CredentialError(f"the {what} file {path} is empty")
    return secret


def credentials(a: argparse.Namespace, env: Mapping[str, str]) -> Dict[str, str]:
    """The token or jwt keyword argument for Client, from the options and the environment:
    --token-file, else --token-env, else $TXGATE_TOKEN; --jwt-file. A token and a JWT together are
    refused, since hello carries one of them."""
    token: Optional[str] = None
    if a.token_file:
        token = _read_secret(a.token_file, "token")
    elif a.token_env:
        token = env.get(a.token_env)
        if not token:
            raise CredentialError(f"the variable {a.token_env} named by --token-env is not set or empty")
    elif env.get("TXGATE_TOKEN") and not a.jwt_file:
        token = env["TXGATE_TOKEN"]
    if a.jwt_file:
        if token is not None:
            raise CredentialError("give a token or a JWT, not both")
        return {"jwt": _read_secret(a.jwt_file, "JWT")}
    return {"token": token} if token is not None else {}


def history_file() -> Optional[str]:
    """Where the prompt keeps its history: $TXGATE_HISTFILE, else ~/.txgate_history, or nowhere
    when neither names a directory that exists (HOME unset, or pointing nowhere)."""
    path = os.environ.get("TXGATE_HISTFILE")
    if not path:
        home = os.environ.get("HOME")
        if not home:
            return None
        path = os.path.join(home, ".txgate_history")
    return path if os.path.isdir(os.path.dirname(os.path.abspath(path))) else None


def _keep_history() -> None:
    try:
        import readline
    except ImportError:
        return
    path = history_file()
    if path is None:
        return
    try:
        readline.read_history_file(path)
    except OSError:
        pass

    def save() -> None:
        try:
            readline.write_history_file(path)
        except OSError:
            pass  # history is a convenience: an unwritable file loses it, nothing else

    import atexit
    atexit.register(save)


def interactive(client: Client, as_json: bool, stdin: TextIO = sys.stdin) -> int:
    """The prompt. Statements end with ';'. When the input is not a terminal (a pipe or a file),
    the first failing statement ends the run with exit status 1."""
    tty = stdin.isatty()
    if tty:
        _keep_history()
        print(f"Connected to {client.server}, session {client.session}. End statements with ';'; "
              "\\q quits, \\ops lists operations.")
    buffer: List[str] = []
    while True:
        if tty:
            try:
                line = input("txgate> " if not buffer else "    -> ")
            except EOFError:
                print()
                return EXIT_OK
            except KeyboardInterrupt:
                print()
                buffer = []
                continue
        else:
            line = stdin.readline()
            if not line:
                if buffer:
                    sys.stderr.write("txgate-cli: the input ended inside a statement (no ';')\n")
                    return EXIT_ERROR
                return EXIT_OK
        line = line.rstrip("\n")
        stripped = line.strip()
        if not buffer and stripped in ("\\q", "quit", "exit"):
            return EXIT_OK
        if not buffer and stripped == "\\ops":
            try:
                for op in client.operations():
                    params = ", ".join(f"{p['name']}: {p['type']}" for p in op["params"])
                    print(f"{op['name']}({params}) - {op.get('description') or ''}")
            except TxgateError as e:
                error(e)
                if not tty:
                    return EXIT_USAGE if isinstance(e, ConnectionLostError) else EXIT_ERROR
            continue
        if not stripped:
            continue
        buffer.append(line)
        if not stripped.endswith(";"):
            continue
        sql = "\n".join(buffer).strip().rstrip(";").strip()
        buffer = []
        try:
            emit(client.execute(sql), as_json, sys.stdout)
        except TxgateError as e:
            error(e)
            if not tty:
                return EXIT_USAGE if isinstance(e, ConnectionLostError) else EXIT_ERROR
            if isinstance(e, ConnectionLostError) and e.committed == "no":
                return EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="txgate-cli", description="SQL prompt and one-shot runner for txgate",
        epilog="Exit status: 0 on success, 1 when txgate answered with an error (or a statement read from a "
               "pipe or file failed), 2 when it cannot be reached or the arguments are wrong.")
    parser.add_argument("-H", "--host", default=os.environ.get("TXGATE_HOST", "127.0.0.1"))
    parser.add_argument("-p", "--port", type=int, default=None,
                        help="the port (default: $TXGATE_PORT, else 7400)")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("-e", "--execute", metavar="SQL", help="run one statement and exit")
    what.add_argument("--call", nargs="+", metavar=("NAME", "KEY=VALUE"),
                      help="call a named operation; a VALUE that is JSON is taken as such, else as a string")
    what.add_argument("--operations", action="store_true", help="list the named operations")
    parser.add_argument("--client", default=None,
                        help="the client name sent in hello: with a token, the configured client's name "
                             "(default: $TXGATE_CLIENT, else txgate-cli)")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--token-env", metavar="NAME",
                        help="authenticate with the token in environment variable NAME "
                             "(default: $TXGATE_TOKEN when set)")
    secret.add_argument("--token-file", metavar="FILE", help="authenticate with the token in FILE")
    parser.add_argument("--jwt-file", metavar="FILE", help="authenticate with the JWT in FILE")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--request-key", help="make the request exactly-once")
    parser.add_argument("--timeout-ms", type=int, help="the request's deadline on the server (timeoutMs)")
    tls = parser.add_argument_group("TLS", "for a txgate whose protocol port speaks TLS (protocol.tls.*)")
    tls.add_argument("--tls", action="store_true",
                     help="connect over TLS, trusting the system's authorities (implied by --ca and --cert)")
    tls.add_argument("--ca", metavar="FILE", help="PEM file of the authorities to trust instead")
    tls.add_argument("--cert", metavar="FILE", help="PEM client certificate, for a server that asks for one")
    tls.add_argument("--key", metavar="FILE", help="PEM key of --cert (if not in the same file)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    a = parser.parse_args(argv)
    port = a.port
    if port is None:
        try:
            port = int(os.environ.get("TXGATE_PORT", "7400"))
        except ValueError:
            parser.error(f"TXGATE_PORT is not a port number: {os.environ['TXGATE_PORT']!r}")
    call_args: Dict[str, Any] = {}
    if a.call:
        try:
            call_args = parse_args_kv(a.call[1:])
        except ValueError as e:
            parser.error(str(e))
    if a.timeout_ms is not None and a.timeout_ms < 1:
        parser.error("--timeout-ms must be 1 or more")
    if a.key and not a.cert:
        parser.error("--key needs --cert")
    try:
        secret = credentials(a, os.environ)
    except CredentialError as e:
        parser.error(str(e))
    client_name = a.client or os.environ.get("TXGATE_CLIENT") or "txgate-cli"
    try:
        client = Client(a.host, port, client_name=client_name, tls=a.tls, ca_file=a.ca, cert_file=a.cert,
                        key_file=a.key, **secret)
    except ConnectionLostError as e:
        sys.stderr.write(f"txgate-cli: {e.message}\n")
        return EXIT_USAGE
    except TxgateError as e:
        # Refused by the server, an UNAUTHENTICATED credential most often: an error answer, as for a statement.
        error(e)
        return EXIT_ERROR
    except (OSError, ValueError) as e:
        # An unreadable or invalid --ca, --cert or --key file: nothing was sent.
        sys.stderr.write(f"txgate-cli: cannot set up TLS: {e}\n")
        return EXIT_USAGE
    with client:
        try:
            if a.execute:
                emit(client.execute(a.execute, request_key=a.request_key, timeout_ms=a.timeout_ms), a.json,
                     sys.stdout)
            elif a.call:
                emit(client.call(a.call[0], call_args, request_key=a.request_key, timeout_ms=a.timeout_ms),
                     a.json, sys.stdout)
            elif a.operations:
                sys.stdout.write(json.dumps(client.operations(), indent=2) + "\n")
            else:
                return interactive(client, a.json)
        except TxgateError as e:
            error(e)
            return EXIT_USAGE if isinstance(e, ConnectionLostError) else EXIT_ERROR
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
