"""Authentication with a token or a JWT, in Client, AsyncClient and txgate-cli.

CredentialsTest needs no server. Against a real txgate (TXGATE_TEST_HOST / TXGATE_TEST_PORT):
- with TXGATE_TEST_AUTH_CLIENT, TXGATE_TEST_AUTH_TOKEN, TXGATE_TEST_AUTH_JWT and
  TXGATE_TEST_AUTH_JWT_CLIENT set, the server has clients configured (ClientAuthSuitesTest starts
  one): the token and the JWT are accepted, a wrong token is refused, and no secret is printed;
- without them, the server has no clients (PythonClientTest): it ignores a credential.
Only the set of tests that fits the server is defined, so that neither run reports skipped tests.
"""
import argparse
import asyncio
import json
import os
import select
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import txgate  # noqa: E402
from txgate import AsyncClient, Client  # noqa: E402
from txgate.cli import CredentialError, credentials  # noqa: E402
from tests._proxy import Proxy  # noqa: E402

HOST = os.environ.get("TXGATE_TEST_HOST", "127.0.0.1")
PORT = os.environ.get("TXGATE_TEST_PORT")
CLI = os.environ.get("TXGATE_TEST_CLI") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts",
                                                        "txgate-cli")
AUTH_CLIENT = os.environ.get("TXGATE_TEST_AUTH_CLIENT")
AUTH_TOKEN = os.environ.get("TXGATE_TEST_AUTH_TOKEN")
AUTH_JWT = os.environ.get("TXGATE_TEST_AUTH_JWT")
AUTH_JWT_CLIENT = os.environ.get("TXGATE_TEST_AUTH_JWT_CLIENT")
WRONG_TOKEN = "wrong-3c9e71-not-the-token"


def _secret_file(directory: str, name: str, text: str) -> str:
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    return path


def _args(token_env=None, token_file=None, jwt_file=None) -> argparse.Namespace:
    return argparse.Namespace(token_env=token_env, token_file=token_file, jwt_file=jwt_file)


class CredentialsTest(unittest.TestCase):
    """Where the CLI takes a credential from, and that hello carries it; needs no server."""

    def test_hello_carries_the_token_or_the_jwt(self):
        from txgate._client import _Credentials
        self.assertEqual(_Credentials("t0k", None).hello("billing"),
                         {"op": "hello", "protocol": 1, "client": "billing", "token": "t0k"})
        self.assertEqual(_Credentials(None, "a.b.c").hello(None), {"op": "hello", "protocol": 1, "jwt": "a.b.c"})
        self.assertNotIn("token", _Credentials(None, None).hello("x"))

    def test_the_credentials_repr_names_the_kind_never_the_secret(self):
        from txgate._client import _Credentials
        self.assertEqual(repr(_Credentials("s3cret-t0ken", None)), "<credentials: token>")
        self.assertNotIn("s3cret", repr(_Credentials(None, "s3cret.jwt.x")))

    def test_the_token_comes_from_txgate_token_by_default(self):
        self.assertEqual(credentials(_args(), {"TXGATE_TOKEN": "t0k"}), {"token": "t0k"})
        self.assertEqual(credentials(_args(), {}), {})

    def test_token_env_names_another_variable(self):
        env = {"TXGATE_TOKEN": "default", "BILLING_TOKEN": "billing-t0k"}
        self.assertEqual(credentials(_args(token_env="BILLING_TOKEN"), env), {"token": "billing-t0k"})
        with self.assertRaises(CredentialError) as caught:
            credentials(_args(token_env="MISSING_TOKEN"), env)
        self.assertIn("MISSING_TOKEN", str(caught.exception))

    def test_files_are_read_without_their_line_end(self):
        with tempfile.TemporaryDirectory() as d:
            token = _secret_file(d, "billing.token", "file-t0k")
            jwt = _secret_file(d, "reports.jwt", "a.b.c")
            self.assertEqual(credentials(_args(token_file=token), {"TXGATE_TOKEN": "default"}), {"token": "file-t0k"})
            # A JWT file wins over a TXGATE_TOKEN left in the environment.
            self.assertEqual(credentials(_args(jwt_file=jwt), {"TXGATE_TOKEN": "default"}), {"jwt": "a.b.c"})
            with self.assertRaises(CredentialError):
                credentials(_args(token_file=token, jwt_file=jwt), {})
            empty = _secret_file(d, "empty.token", "")
            with self.assertRaises(CredentialError) as caught:
                credentials(_args(token_file=empty), {})
            self.assertIn("empty", str(caught.exception))

    def test_an_unreadable_file_is_named_and_its_content_never_shown(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaises(CredentialError) as caught:
                credentials(_args(token_file=os.path.join(d, "missing.token")), {})
            self.assertIn("missing.token", str(caught.exception))
            binary = os.path.join(d, "binary.token")
            with open(binary, "wb") as f:
                f.write(b"s3cret\xff\xfe")
            with self.assertRaises(CredentialError) as caught:
                credentials(_args(token_file=binary), {})
            self.assertNotIn("s3cret", str(caught.exception))


def _cli(*args, env=None):
    return subprocess.run([sys.executable, CLI, "-H", HOST, "-p", PORT, *args], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, **(env or {})))


if PORT and AUTH_TOKEN:
    class AuthenticatedServerTest(unittest.TestCase):
        """A server with clients configured."""

        def assertRefused(self, caught, secret):
            e = caught.exception
            self.assertIsInstance(e, txgate.RequestError)
            self.assertEqual((e.code, e.committed, e.retryable), ("UNAUTHENTICATED", "no", False))
            self.assertNotIn(secret, str(e))
            self.assertNotIn(secret, repr(e))

        def test_the_right_token_authenticates(self):
            with Client(HOST, int(PORT), client_name=AUTH_CLIENT, token=AUTH_TOKEN) as db:
                self.assertEqual(db.identity, AUTH_CLIENT)
                self.assertEqual(db.execute("SELECT 1 AS one").scalar(), 1)
                self.assertNotIn(AUTH_TOKEN, repr(db))
                self.assertNotIn(AUTH_TOKEN, repr(vars(db)))

        def test_a_wrong_token_is_refused_as_unauthenticated_with_committed_no(self):
            with self.assertRaises(txgate.TxgateError) as caught:
                Client(HOST, int(PORT), client_name=AUTH_CLIENT, token=WRONG_TOKEN)
            self.assertRefused(caught, WRONG_TOKEN)

        def test_no_credential_is_refused(self):
            with self.assertRaises(txgate.TxgateError) as caught:
                Client(HOST, int(PORT), client_name=AUTH_CLIENT)
            self.assertEqual(caught.exception.code, "UNAUTHENTICATED")

        def test_the_jwt_authenticates_its_subject(self):
            with Client(HOST, int(PORT), jwt=AUTH_JWT) as db:
                self.assertEqual(db.identity, AUTH_JWT_CLIENT)
                self.assertEqual(db.execute("SELECT 2").scalar(), 2)

        def test_a_new_connection_after_a_lost_one_authenticates_again(self):
            proxy = Proxy(HOST, int(PORT))
            try:
                with Client(HOST, proxy.port, client_name=AUTH_CLIENT, token=AUTH_TOKEN) as db:
                    first = db.session
                    proxy.cut()
                    select.select([db._sock], [], [], 10)  # the reset has arrived once the socket reads as ready
                    with self.assertRaises(txgate.ConnectionLostError):
                        db.ping()
                    self.assertEqual(db.execute("SELECT 3").scalar(), 3)
                    self.assertNotEqual(db.session, first)
                    self.assertEqual(db.identity, AUTH_CLIENT)
            finally:
                proxy.close()

        def test_the_async_client_authenticates_with_a_token_or_a_jwt(self):
            async def run():
                async with await AsyncClient.connect(HOST, int(PORT), client_name=AUTH_CLIENT, token=AUTH_TOKEN) as db:
                    self.assertEqual(db.identity, AUTH_CLIENT)
                    self.assertEqual((await db.execute("SELECT 4")).scalar(), 4)
                async with await AsyncClient.connect(HOST, int(PORT), jwt=AUTH_JWT) as db:
                    self.assertEqual(db.identity, AUTH_JWT_CLIENT)
                with self.assertRaises(txgate.TxgateError) as caught:
                    await AsyncClient.connect(HOST, int(PORT), client_name=AUTH_CLIENT, token=WRONG_TOKEN)
                self.assertRefused(caught, WRONG_TOKEN)
            asyncio.run(run())

        def test_the_cli_takes_the_token_from_a_named_variable(self):
            r = _cli("--client", AUTH_CLIENT, "--token-env", "BILLING_TOKEN", "--json", "-e", "SELECT 5 AS five",
                     env={"BILLING_TOKEN": AUTH_TOKEN})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)[0]["rows"], [[5]])
            self.assertNotIn(AUTH_TOKEN, r.stdout + r.stderr)

        def test_the_cli_takes_the_token_from_txgate_token_or_a_file_and_the_jwt_from_a_file(self):
            r = _cli("--client", AUTH_CLIENT, "-e", "SELECT 6", env={"TXGATE_TOKEN": AUTH_TOKEN})
            self.assertEqual(r.returncode, 0, r.stderr)
            with tempfile.TemporaryDirectory() as d:
                r = _cli("--client", AUTH_CLIENT, "--token-file", _secret_file(d, "t", AUTH_TOKEN), "-e", "SELECT 7")
                self.assertEqual(r.returncode, 0, r.stderr)
                r = _cli("--jwt-file", _secret_file(d, "j", AUTH_JWT), "-e", "SELECT 8")
                self.assertEqual(r.returncode, 0, r.stderr)

        def test_the_cli_exits_1_on_a_wrong_token_printing_the_code_and_never_the_token(self):
            r = _cli("--client", AUTH_CLIENT, "--token-env", "BILLING_TOKEN", "-e", "SELECT 1",
                     env={"BILLING_TOKEN": WRONG_TOKEN})
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("ERROR UNAUTHENTICATED", r.stderr)
            self.assertNotIn(WRONG_TOKEN, r.stdout + r.stderr)
            self.assertNotIn(AUTH_TOKEN, r.stdout + r.stderr)

elif PORT:
    class ServerWithoutClientsTest(unittest.TestCase):
        """A server without clients configured accepts any connection and ignores a credential."""

        def test_a_credential_is_ignored_and_there_is_no_identity(self):
            with Client(HOST, int(PORT), client_name="python-tests", token="any-token") as db:
                self.assertIsNone(db.identity)
                self.assertEqual(db.execute("SELECT 1").scalar(), 1)

            async def run():
                async with await AsyncClient.connect(HOST, int(PORT), jwt="not.a.jwt") as db:
                    self.assertIsNone(db.identity)
            asyncio.run(run())


if __name__ == "__main__":
    unittest.main()
