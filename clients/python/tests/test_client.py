"""Tests of the Python client and txgate-cli against a real txgate.

The server's address comes from TXGATE_TEST_HOST / TXGATE_TEST_PORT; ./scripts/test.sh starts a
txgate and runs these through PythonClientTest. Without TXGATE_TEST_PORT the tests are skipped.
"""
import datetime
import decimal
import json
import os
import subprocess
import sys
import threading
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from txgate import Client, TxgateError  # noqa: E402

HOST = os.environ.get("TXGATE_TEST_HOST", "127.0.0.1")
PORT = os.environ.get("TXGATE_TEST_PORT")
CLI = os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts", "txgate-cli")


@unittest.skipUnless(PORT, "TXGATE_TEST_PORT is not set: run through ./scripts/test.sh")
class ClientTest(unittest.TestCase):

    def client(self, name="python-tests"):
        return Client(HOST, int(PORT), client_name=name)

    def setUp(self):
        with self.client() as db:
            db.execute("UPDATE accounts SET balance = 1000.00, version = 0")

    def test_hello_reports_session_and_limits(self):
        with self.client() as db:
            self.assertTrue(db.server.startswith("txgate/"))
            self.assertTrue(db.session)
            self.assertEqual(db.limits["maxFrameBytes"], 1048576)
            self.assertTrue(db.ping())

    def test_values_are_decoded_exactly(self):
        with self.client() as db:
            r = db.execute(
                "SELECT CAST(? AS DECIMAL(30,10)), CAST(? AS UNSIGNED), ?, CAST(? AS DATE),"
                " CAST(? AS DATETIME(6)), CAST(? AS TIME(6)), ?, ?, 2.5e0",
                [decimal.Decimal("12345678901234567890.0123456789"), "18446744073709551615", b"\x00\xffbin",
                 datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 23, 59, 59, 999999),
                 datetime.timedelta(hours=-838, minutes=-59, seconds=-59), "h\u00e9llo \U0001F600", None])
            row = r.rows[0]
            self.assertEqual(row[0], decimal.Decimal("12345678901234567890.0123456789"))
            self.assertEqual(row[1], 18446744073709551615)
            self.assertEqual(row[2], b"\x00\xffbin")
            self.assertEqual(row[3], datetime.date(2024, 2, 29))
            self.assertEqual(row[4], datetime.datetime(2024, 2, 29, 23, 59, 59, 999999))
            self.assertEqual(row[5], -datetime.timedelta(hours=838, minutes=59, seconds=59))
            self.assertEqual(row[6], "h\u00e9llo \U0001F600")
            self.assertIsNone(row[7])
            self.assertEqual(row[8], 2.5)

    def test_batch_is_all_or_nothing_and_errors_carry_codes(self):
        with self.client() as db:
            with self.assertRaises(TxgateError) as caught:
                db.batch([("UPDATE accounts SET balance = balance - 1 WHERE id = ?", [1]),
                          ("INSERT INTO no_such_table VALUES (?)", [1])])
            e = caught.exception
            self.assertEqual(e.code, "SQL_ERROR")
            self.assertEqual(e.vendor_code, 1146)
            self.assertEqual(e.sql_state, "42S02")
            self.assertEqual(e.step, 1)
            self.assertFalse(e.retryable)
            self.assertEqual(db.execute("SELECT balance FROM accounts WHERE id = 1").scalar(), decimal.Decimal("1000.00"))

    def test_expectation_conflict(self):
        with self.client() as db:
            with self.assertRaises(TxgateError) as caught:
                db.batch([{"sql": "UPDATE accounts SET balance = 0 WHERE id = ? AND version = ?", "params": [1, 99],
                           "expect": {"affectedRows": 1}}])
            self.assertEqual(caught.exception.code, "CONFLICT")

    def test_named_operations(self):
        with self.client() as db:
            names = [op["name"] for op in db.operations()]
            self.assertIn("transfer", names)
            result = db.call("transfer", {"from": 1, "to": 2, "amount": decimal.Decimal("12.34")})
            self.assertEqual(result.attempts, 1)
            balance = db.call("balance", {"id": 2})[0].dicts()[0]
            self.assertEqual(balance["balance"], decimal.Decimal("1012.34"))
            with self.assertRaises(TxgateError) as caught:
                db.call("transfer", {"from": 1})
            self.assertEqual(caught.exception.code, "BAD_REQUEST")

    def test_request_key_makes_a_retry_safe(self):
        key = "py-" + uuid.uuid4().hex
        with self.client() as db:
            first = db.call("transfer", {"from": 3, "to": 4, "amount": "5.00"}, request_key=key)
            again = db.call("transfer", {"from": 3, "to": 4, "amount": "5.00"}, request_key=key)
            self.assertFalse(first.replayed)
            self.assertTrue(again.replayed)
            self.assertEqual(db.execute("SELECT balance FROM accounts WHERE id = 3").scalar(), decimal.Decimal("995.00"))

    def test_threads_each_with_their_own_client_lose_nothing(self):
        """The README's answer to the original question: a thread per connection, many at once."""
        errors = []
        done = []

        def worker(n):
            try:
                with self.client(f"worker-{n}") as db:
                    for i in range(25):
                        a, b = (n + i) % 8 + 1, (n + 3 * i + 1) % 8 + 1
                        if a == b:
                            continue
                        db.call("transfer", {"from": a, "to": b, "amount": "1.00"}, request_key=uuid.uuid4().hex)
                        done.append(1)
            except TxgateError as e:
                if e.code != "CONFLICT":
                    errors.append(e)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertGreater(len(done), 0)
        with self.client() as db:
            self.assertEqual(db.execute("SELECT SUM(balance) FROM accounts").scalar(), decimal.Decimal("8000.00"))


@unittest.skipUnless(PORT, "TXGATE_TEST_PORT is not set: run through ./scripts/test.sh")
class CliTest(unittest.TestCase):

    def run_cli(self, *args):
        return subprocess.run([sys.executable, CLI, "-H", HOST, "-p", PORT, *args],
                              capture_output=True, text=True, timeout=60)

    def test_one_shot_table(self):
        r = self.run_cli("-e", "SELECT id, owner FROM accounts WHERE id <= 2 ORDER BY id")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("| id | owner |", r.stdout.replace("  ", " "))
        self.assertIn("alice", r.stdout)
        self.assertIn("2 row(s)", r.stdout)

    def test_json_output(self):
        r = self.run_cli("--json", "-e", "SELECT 1 AS one")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)[0]["rows"], [[1]])

    def test_call_with_arguments(self):
        r = self.run_cli("--call", "balance", "id=1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("alice", r.stdout)

    def test_sql_error_exits_non_zero(self):
        r = self.run_cli("-e", "SELECT * FROM no_such_table")
        self.assertEqual(r.returncode, 1)
        self.assertIn("ERROR SQL_ERROR", r.stderr)
        self.assertIn("MySQL 1146", r.stderr)

    def test_unreachable_server_exits_two(self):
        r = subprocess.run([sys.executable, CLI, "-H", "127.0.0.1", "-p", "1", "-e", "SELECT 1"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot connect", r.stderr)

    def test_interactive_prompt(self):
        r = subprocess.run([sys.executable, CLI, "-H", HOST, "-p", PORT], input="SELECT\n 40 + 2 AS answer;\n\\q\n",
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("42", r.stdout)


if __name__ == "__main__":
    unittest.main()
