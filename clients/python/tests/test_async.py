"""Tests of the asyncio client against a real txgate (TXGATE_TEST_HOST / TXGATE_TEST_PORT, as in
test_client.py)."""
import asyncio
import datetime
import decimal
import os
import socket
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import txgate  # noqa: E402
from txgate import AsyncClient, Client, TxgateError  # noqa: E402
from tests._proxy import Proxy  # noqa: E402

HOST = os.environ.get("TXGATE_TEST_HOST", "127.0.0.1")
PORT = os.environ.get("TXGATE_TEST_PORT")


@unittest.skipUnless(PORT, "TXGATE_TEST_PORT is not set: run through ./scripts/test.sh")
class AsyncClientTest(unittest.IsolatedAsyncioTestCase):

    async def asyncSetUp(self):
        self.db = await AsyncClient.connect(HOST, int(PORT), client_name="python-async-tests")

    async def asyncTearDown(self):
        await self.db.close()

    async def test_hello_and_exact_values(self):
        self.assertTrue(self.db.server.startswith("txgate/"))
        self.assertTrue(await self.db.ping())
        r = await self.db.execute("SELECT CAST(? AS DECIMAL(20,2)), ?, 9007199254740993", ["12.30", "é"])
        self.assertEqual(r.rows[0], (decimal.Decimal("12.30"), "é", 9007199254740993))

    async def test_many_tasks_pipeline_on_one_connection_and_each_gets_its_own_answer(self):
        results = await asyncio.gather(*(self.db.execute("SELECT ?", [i]) for i in range(200)))
        self.assertEqual([r.scalar() for r in results], list(range(200)))

    async def test_an_error_fails_only_its_own_call(self):
        ok1, bad, ok2 = await asyncio.gather(
            self.db.execute("SELECT 1"), self.db.execute("SELECT * FROM no_such_table"),
            self.db.execute("SELECT 2"), return_exceptions=True)
        self.assertEqual(ok1.scalar(), 1)
        self.assertIsInstance(bad, TxgateError)
        self.assertEqual((bad.code, bad.vendor_code, bad.retryable), ("SQL_ERROR", 1146, False))
        self.assertEqual(ok2.scalar(), 2)

    async def test_named_operation_exactly_once(self):
        with Client(HOST, int(PORT)) as sync:
            sync.execute("UPDATE accounts SET balance = 1000.00, version = 0")
        key = "py-async-" + uuid.uuid4().hex
        args = {"from": 4, "to": 5, "amount": decimal.Decimal("7.25")}
        first = await self.db.call("transfer", args, request_key=key)
        again = await self.db.call("transfer", args, request_key=key)
        self.assertFalse(first.replayed)
        self.assertTrue(again.replayed)
        balance = await self.db.call("balance", {"id": 4})
        self.assertEqual(balance[0].dicts()[0]["balance"], decimal.Decimal("992.75"))

    async def test_close_fails_calls_still_waiting(self):
        db = await AsyncClient.connect(HOST, int(PORT))
        waiting = asyncio.ensure_future(db.execute("SELECT SLEEP(2)"))
        await asyncio.sleep(0.05)
        await db.close()
        with self.assertRaises(TxgateError) as caught:
            await waiting
        self.assertEqual(caught.exception.code, "CONNECTION")
        with self.assertRaises(TxgateError):
            await db.ping()

    async def test_error_families_and_timeout_ms(self):
        with self.assertRaises(txgate.SqlError) as caught:
            await self.db.execute("SELECT * FROM no_such_table")
        self.assertEqual((caught.exception.code, caught.exception.committed), ("SQL_ERROR", "no"))
        with self.assertRaises(txgate.TransientError) as caught:
            await self.db.execute("SELECT SLEEP(30)", timeout_ms=300)
        self.assertEqual((caught.exception.code, caught.exception.retryable, caught.exception.committed),
                         ("TIMEOUT", True, "no"))
        self.assertEqual((await self.db.execute("SELECT 3", retries=3)).scalar(), 3)

    async def test_named_operation_takes_a_python_datetime(self):
        if "echo_datetime" not in [op["name"] for op in await self.db.operations()]:
            self.skipTest("the server has no echo_datetime operation (PythonClientTest defines it)")
        at = datetime.datetime(2024, 2, 29, 23, 59, 59, 999999)
        self.assertEqual((await self.db.call("echo_datetime", {"at": at}))[0].scalar(), at)

    async def test_a_client_timeout_fails_the_waiting_calls_and_the_next_call_reconnects(self):
        first_session = self.db.session
        self.db.timeout = 0.5
        late = asyncio.ensure_future(self.db.execute("SELECT SLEEP(3), 'late'"))
        queued = asyncio.ensure_future(self.db.execute("SELECT 'queued'"))
        for call in (late, queued):
            with self.assertRaises(txgate.ConnectionLostError) as caught:
                await call
            self.assertEqual(caught.exception.committed, "unknown")
        self.db.timeout = 60
        self.assertEqual((await self.db.execute("SELECT 'mine'", retries=3)).scalar(), "mine")
        self.assertNotEqual(self.db.session, first_session)

    async def test_a_lost_answer_is_resent_under_its_key_and_happens_once(self):
        with Client(HOST, int(PORT)) as sync:
            sync.execute("UPDATE accounts SET balance = 1000.00, version = 0")
        proxy = Proxy(HOST, int(PORT))
        try:
            db = await AsyncClient.connect(HOST, proxy.port)
            try:
                proxy.drop_next_answer()
                result = await db.call("deposit", {"id": 3, "amount": "2.50"}, retries=3)
                self.assertEqual(proxy.answers_dropped, 1)
                self.assertTrue(result.replayed)
                balance = (await db.call("balance", {"id": 3}))[0].dicts()[0]["balance"]
                self.assertEqual(balance, decimal.Decimal("1002.50"))
            finally:
                await db.close()
                await db.close()
        finally:
            proxy.close()

    async def test_unreachable_server_is_a_connection_error(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            free = s.getsockname()[1]
        with self.assertRaises(TxgateError) as caught:
            await AsyncClient.connect("127.0.0.1", free, connect_timeout=2)
        self.assertEqual(caught.exception.code, "CONNECTION")
        self.assertTrue(caught.exception.retryable)


if __name__ == "__main__":
    unittest.main()
