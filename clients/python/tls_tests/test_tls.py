"""The Python client and txgate-cli over TLS, against a real txgate with TLS on its protocol port.

Run by the server's ClientsTlsTest, which makes the certificates and starts two TLS servers; the
addresses and files come from the environment:

- TXGATE_TEST_TLS_PORT: TLS, asking for (not requiring) a client certificate from TXGATE_TEST_TLS_CA
- TXGATE_TEST_TLS_ADMIN_URL: that server's console, whose /api/sessions shows tlsSubject
- TXGATE_TEST_TLS_CA, TXGATE_TEST_TLS_CERT, TXGATE_TEST_TLS_KEY: the CA, and a client certificate CN=app-1
- TXGATE_TEST_TLS_OTHER_CA: an authority that signed neither server
- TXGATE_TEST_TLS_WRONG_NAME_PORT: TLS with a certificate from the same CA for another host name

It is kept out of tests/ so that the plaintext suite never reports it as skipped.
"""
import asyncio
import json
import os
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from txgate import AsyncClient, Client, ConnectionLostError  # noqa: E402

ENV = os.environ
HOST = ENV.get("TXGATE_TEST_HOST", "127.0.0.1")
PORT = ENV.get("TXGATE_TEST_TLS_PORT")
CLI = os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts", "txgate-cli")


@unittest.skipUnless(PORT, "TXGATE_TEST_TLS_PORT is not set: run through the server's ClientsTlsTest")
class TlsTest(unittest.TestCase):

    def test_connects_with_the_ca_file_and_runs_a_statement(self):
        with Client(HOST, int(PORT), client_name="py-tls", ca_file=ENV["TXGATE_TEST_TLS_CA"]) as db:
            self.assertTrue(db.ping())
            self.assertEqual(db.execute("SELECT 1 + 1").scalar(), 2)

    def test_async_client_connects_with_the_ca_file(self):
        async def run():
            async with await AsyncClient.connect(HOST, int(PORT), ca_file=ENV["TXGATE_TEST_TLS_CA"]) as db:
                return await db.execute("SELECT 2 + 2")
        self.assertEqual(asyncio.run(run()).scalar(), 4)

    def test_client_certificate_names_the_session(self):
        with Client(HOST, int(PORT), client_name="py-mtls", ca_file=ENV["TXGATE_TEST_TLS_CA"],
                    cert_file=ENV["TXGATE_TEST_TLS_CERT"], key_file=ENV["TXGATE_TEST_TLS_KEY"]):
            with urllib.request.urlopen(ENV["TXGATE_TEST_TLS_ADMIN_URL"] + "/api/sessions", timeout=30) as r:
                sessions = json.load(r)
            mine = [s for s in sessions if s.get("client") == "py-mtls"]
            self.assertEqual([s.get("tlsSubject") for s in mine], ["app-1"])

    def test_a_server_certificate_from_another_ca_is_refused(self):
        with self.assertRaises(ConnectionLostError) as e:
            Client(HOST, int(PORT), ca_file=ENV["TXGATE_TEST_TLS_OTHER_CA"])
        self.assertIn("CERTIFICATE_VERIFY_FAILED", e.exception.message)
        self.assertEqual(e.exception.committed, "no")

    def test_a_certificate_for_another_host_name_is_refused(self):
        with self.assertRaises(ConnectionLostError) as e:
            Client(HOST, int(ENV["TXGATE_TEST_TLS_WRONG_NAME_PORT"]), ca_file=ENV["TXGATE_TEST_TLS_CA"])
        self.assertIn("mismatch", e.exception.message)

    def test_async_client_refuses_a_certificate_for_another_host_name(self):
        async def run():
            await AsyncClient.connect(HOST, int(ENV["TXGATE_TEST_TLS_WRONG_NAME_PORT"]),
                                      ca_file=ENV["TXGATE_TEST_TLS_CA"])
        with self.assertRaises(ConnectionLostError):
            asyncio.run(run())

    def test_plaintext_on_the_tls_port_gets_no_answer(self):
        with self.assertRaises(ConnectionLostError):
            Client(HOST, int(PORT), connect_timeout=30, timeout=30)

    def test_cli_connects_with_ca_and_refuses_another_ca(self):
        ok = subprocess.run([sys.executable, CLI, "-H", HOST, "-p", PORT, "--ca", ENV["TXGATE_TEST_TLS_CA"],
                             "--cert", ENV["TXGATE_TEST_TLS_CERT"], "--key", ENV["TXGATE_TEST_TLS_KEY"],
                             "--json", "-e", "SELECT 40 + 2 AS answer"], capture_output=True, text=True, timeout=60)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("42", ok.stdout)
        refused = subprocess.run([sys.executable, CLI, "-H", HOST, "-p", PORT, "--ca", ENV["TXGATE_TEST_TLS_OTHER_CA"],
                                  "-e", "SELECT 1"], capture_output=True, text=True, timeout=60)
        self.assertEqual(refused.returncode, 2, refused.stdout + refused.stderr)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", refused.stderr)


if __name__ == "__main__":
    unittest.main()
