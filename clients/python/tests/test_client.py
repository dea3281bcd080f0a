"""Tests of the Python client and txgate-cli against a real txgate.

The server's address comes from TXGATE_TEST_HOST / TXGATE_TEST_PORT; ./scripts/test.sh starts a
txgate and runs these through PythonClientTest. Without TXGATE_TEST_PORT the tests are skipped.
"""
import datetime
import decimal
import json
import os
import select
import subprocess
import sys
import threading
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import txgate  # noqa: E402
from txgate import Client, TxgateError  # noqa: E402
from tests._proxy import Proxy  # noqa: E402

HOST = os.environ.get("TXGATE_TEST_HOST", "127.0.0.1")
PORT = os.environ.get("TXGATE_TEST_PORT")
CLI = os.environ.get("TXGATE_TEST_CLI") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts",
                                                        "txgate-cli")


class ErrorModelTest(unittest.TestCase):
    """The error model, the same in every txgate client; needs no server."""

    def test_every_code_has_its_family_retryable_and_committed(self):
        from txgate._errors import from_response
        families = {
            "BAD_REQUEST": ("RequestError", False, "no"), "FRAME_TOO_LARGE": ("RequestError", False, "no"),
            "UNKNOWN_OPERATION": ("RequestError", False, "no"), "FORBIDDEN": ("RequestError", False, "no"),
            "UNAUTHENTICATED": ("RequestError", False, "no"),
            "SQL_ERROR": ("SqlError", False, "no"), "RESULT_TOO_LARGE": ("SqlError", False, "no"),
            "CONFLICT": ("ConflictError", False, "no"),
            "UNAVAILABLE": ("TransientError", True, "no"), "BUSY": ("TransientError", True, "no"),
            "TIMEOUT": ("TransientError", True, "no"), "RETRIES_EXHAUSTED": ("TransientError", True, "no"),
            "COMMIT_UNKNOWN": ("CommitUnknownError", False, "unknown"),
            "INTERNAL": ("InternalError", False, "no"),
            "SOME_LATER_CODE": ("InternalError", False, "unknown"),
        }
        for code, (family, retryable, committed) in families.items():
            with self.subTest(code=code):
                e = from_response({"code": code, "message": "m", "retryable": retryable, "step": 2,
                                   "sqlState": "40001", "vendorCode": 1213, "ref": "3f9a1c2b"})
                self.assertIsInstance(e, getattr(txgate, family))
                self.assertIsInstance(e, TxgateError)
                self.assertEqual((e.code, e.retryable, e.committed, e.step, e.sql_state, e.vendor_code, e.ref),
                                 (code, retryable, committed, 2, "40001", 1213, "3f9a1c2b"))

    def test_datetimes_are_sent_in_the_iso_form_with_t(self):
        from txgate._client import _encode
        self.assertEqual(_encode(datetime.datetime(2024, 2, 29, 23, 59, 59, 999999)), "2024-02-29T23:59:59.999999")
        self.assertEqual(_encode(datetime.datetime(2024, 2, 29, 12, 0)), "2024-02-29T12:00:00")
        self.assertEqual(_encode(datetime.date(2024, 2, 29)), "2024-02-29")

    def test_new_request_keys_are_unique_and_fit_the_protocol(self):
        keys = {txgate.new_request_key() for _ in range(1000)}
        self.assertEqual(len(keys), 1000)
        self.assertTrue(all(1 <= len(k) <= 64 for k in keys))

    def test_one_version_source(self):
        pyproject = os.path.join(os.path.dirname(__file__), "..", "pyproject.toml")
        with open(pyproject, encoding="utf-8") as f:
            text = f.read()
        self.assertIn('dynamic = ["version"]', text)
        self.assertIn('version = {attr = "txgate.__version__"}', text)
        project = text.split("[project]", 1)[1].split("\n[", 1)[0]
        self.assertNotRegex(project, r"(?m)^version\s*=")
        self.assertRegex(txgate.__version__, r"^\d+\.\d+\.\d+")

    def test_cli_history_needs_a_home(self):
        from txgate import cli
        saved = {k: os.environ.pop(k) for k in ("HOME", "TXGATE_HISTFILE") if k in os.environ}
        try:
            self.assertIsNone(cli.history_file())
            os.environ["HOME"] = "/nonexistent-txgate-home"
            self.assertIsNone(cli.history_file())
        finally:
            os.environ.pop("HOME", None)
            os.environ.update(saved)


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

    def test_consistency_reaches_the_server(self):
        with self.client() as db:
            self.assertEqual(db.execute("SELECT 1", read_only=True, consistency="primary").scalar(), 1)
            self.assertEqual(db.call("balance", {"id": 1}, consistency="any")[0].dicts()[0]["id"], 1)
            with self.assertRaises(txgate.RequestError) as caught:
                db.execute("SELECT 1", read_only=True, consistency="nearest")
            self.assertEqual(caught.exception.code, "BAD_REQUEST")
            self.assertIn("consistency", str(caught.exception))

    def test_error_families(self):
        with self.client() as db:
            with self.assertRaises(txgate.SqlError) as caught:
                db.execute("SELECT * FROM no_such_table")
            self.assertEqual((caught.exception.code, caught.exception.committed), ("SQL_ERROR", "no"))
            with self.assertRaises(txgate.ConflictError) as caught:
                db.execute("UPDATE accounts SET balance = 0 WHERE id = ?", [99], expect={"affectedRows": 1})
            self.assertEqual((caught.exception.code, caught.exception.step), ("CONFLICT", 0))
            with self.assertRaises(txgate.RequestError) as caught:
                db.call("no_such_operation")
            self.assertEqual((caught.exception.code, caught.exception.retryable), ("UNKNOWN_OPERATION", False))
            with self.assertRaises(txgate.RequestError) as caught:
                db.execute("SELECT ?", [])
            self.assertEqual(caught.exception.code, "BAD_REQUEST")
            self.assertEqual(db.execute("SELECT 1").scalar(), 1)

    def test_named_operation_takes_a_python_datetime(self):
        with self.client() as db:
            if "echo_datetime" not in [op["name"] for op in db.operations()]:
                self.skipTest("the server has no echo_datetime operation (PythonClientTest defines it)")
            at = datetime.datetime(2024, 2, 29, 23, 59, 59, 999999)
            self.assertEqual(db.call("echo_datetime", {"at": at})[0].scalar(), at)
            self.assertEqual(db.call("echo_datetime", {"at": datetime.datetime(2024, 2, 29, 12, 0)})[0].scalar(),
                             datetime.datetime(2024, 2, 29, 12, 0))

    def test_timeout_ms_is_the_request_deadline_on_the_server(self):
        with self.client() as db:
            with self.assertRaises(TxgateError) as caught:
                db.execute("SELECT SLEEP(30)", timeout_ms=300)
            e = caught.exception
            self.assertIsInstance(e, txgate.TransientError)
            self.assertEqual((e.code, e.retryable, e.committed), ("TIMEOUT", True, "no"))
            # The connection stays usable. (retries: the server may answer the next request on its
            # pool's killed connection UNAVAILABLE, which is retryable.)
            self.assertEqual(db.execute("SELECT 7", retries=3).scalar(), 7)

    def test_a_client_timeout_closes_the_connection_and_never_reads_the_late_answer(self):
        with Client(HOST, int(PORT), client_name="python-timeout") as db:
            first_session = db.session
            db.timeout = 0.5
            with self.assertRaises(TxgateError) as caught:
                db.execute("SELECT SLEEP(3), 'late'")
            self.assertEqual(caught.exception.code, "CONNECTION")
            db.timeout = 60
            # The late answer ('late') must not be taken for this call's; a new connection serves it.
            # (retries: the server may answer UNAVAILABLE, retryable, on the database connection
            # whose statement it stopped when the first connection closed.)
            self.assertEqual(db.execute("SELECT 'mine'", retries=3).scalar(), "mine")
            self.assertEqual(db.execute("SELECT 'and mine'").scalar(), "and mine")
            self.assertIsInstance(caught.exception, txgate.ConnectionLostError)
            self.assertEqual(caught.exception.committed, "unknown")
            self.assertNotEqual(db.session, first_session)

    def test_close_after_a_lost_connection_is_quiet_and_idempotent(self):
        proxy = Proxy(HOST, int(PORT))
        try:
            with self.assertRaises(TxgateError) as caught:
                with Client(HOST, proxy.port) as db:
                    proxy.cut()
                    # the reset has arrived once the socket reads as ready
                    select.select([db._sock], [], [], 10)
                    db.ping()
            self.assertEqual(caught.exception.code, "CONNECTION")
            db.close()
            db.close()
            with self.assertRaises(TxgateError) as closed:
                db.ping()
            self.assertEqual((closed.exception.code, closed.exception.committed), ("CONNECTION", "no"))
        finally:
            proxy.close()

    def test_a_lost_answer_is_committed_unknown_and_a_resend_under_the_key_happens_once(self):
        proxy = Proxy(HOST, int(PORT))
        args = {"from": 6, "to": 7, "amount": "3.00"}
        try:
            with Client(HOST, proxy.port) as db:
                proxy.drop_next_answer()
                with self.assertRaises(txgate.ConnectionLostError) as caught:
                    db.call("transfer", args, request_key=txgate.new_request_key())
                self.assertEqual(caught.exception.committed, "unknown")
                self.assertTrue(caught.exception.retryable)
                # That transfer committed: its answer was lost on the way.
                self.assertEqual(db.execute("SELECT balance FROM accounts WHERE id = 6").scalar(),
                                 decimal.Decimal("997.00"))
                # retries: a key is made for the request, and it is resent under it on a new connection.
                proxy.drop_next_answer()
                again = db.call("transfer", args, retries=3)
                self.assertEqual(proxy.answers_dropped, 2)
                self.assertTrue(again.replayed)
                self.assertEqual(db.execute("SELECT balance FROM accounts WHERE id = 6").scalar(),
                                 decimal.Decimal("994.00"))
        finally:
            proxy.close()

    def test_retries_never_resend_what_the_server_refused(self):
        with self.client() as db:
            with self.assertRaises(txgate.ConflictError):
                db.call("transfer", {"from": 1, "to": 1, "amount": "1.00"}, retries=5)
            with self.assertRaises(ValueError):
                db.execute("SELECT 1", retries=-1)

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

    def test_json_output_keeps_attempts_and_replayed(self):
        key = "py-cli-" + uuid.uuid4().hex
        first = self.run_cli("--json", "--request-key", key, "--call", "deposit", "id=8", "amount=1.00")
        again = self.run_cli("--json", "--request-key", key, "--call", "deposit", "id=8", "amount=1.00")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual([(r["attempts"], r["replayed"]) for r in json.loads(first.stdout)], [(1, False)] * 2)
        self.assertEqual([(r["attempts"], r["replayed"]) for r in json.loads(again.stdout)], [(1, True)] * 2)
        one = json.loads(self.run_cli("--json", "-e", "SELECT 1").stdout)[0]
        self.assertEqual((one["attempts"], one["replayed"]), (1, False))

    def test_a_bad_key_value_is_a_usage_error(self):
        r = self.run_cli("--call", "balance", "id1")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("key=value", r.stderr)

    def test_execute_and_call_together_are_a_usage_error(self):
        r = self.run_cli("-e", "SELECT 1", "--call", "balance", "id=1")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("not allowed with", r.stderr)

    def test_a_failing_statement_in_piped_input_stops_the_run_and_exits_non_zero(self):
        r = subprocess.run([sys.executable, CLI, "-H", HOST, "-p", PORT],
                           input="SELECT 'before';\nSELECT * FROM no_such_table;\nSELECT 'after';\n",
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("before", r.stdout)
        self.assertNotIn("after", r.stdout)
        self.assertIn("ERROR SQL_ERROR", r.stderr)

    def test_no_traceback_without_a_home(self):
        for home in (None, "/nonexistent-txgate-home"):
            with self.subTest(home=home):
                env = {k: v for k, v in os.environ.items() if k not in ("HOME", "TXGATE_HISTFILE")}
                if home:
                    env["HOME"] = home
                r = subprocess.run([sys.executable, CLI, "-H", HOST, "-p", PORT], input="SELECT 1;\n",
                                   capture_output=True, text=True, timeout=60, env=env)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn("Traceback", r.stderr)

    def test_interactive_prompt(self):
        r = subprocess.run([sys.executable, CLI, "-H", HOST, "-p", PORT], input="SELECT\n 40 + 2 AS answer;\n\\q\n",
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("42", r.stdout)


if __name__ == "__main__":
    unittest.main()
