"""The conformance vectors of clients/conformance (format: clients/conformance/README.md) against a
real txgate: each wire request sent raw on a socket of its own, and each client call a vector
describes made through txgate.Client, its answer compared in Python's own types."""
import base64
import datetime
import decimal
import glob
import json
import os
import re
import socket
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from txgate import Client, TxgateError  # noqa: E402

HOST = os.environ.get("TXGATE_TEST_HOST", "127.0.0.1")
PORT = os.environ.get("TXGATE_TEST_PORT")
VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "conformance")
MATCHERS = {"$any", "$gte", "$regex", "$oneOf", "$superset", "$includes"}
TYPES = {"string": str, "object": dict, "array": list, "boolean": bool}


def load():
    out = []
    for path in sorted(glob.glob(os.path.join(VECTORS, "*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        out += [(doc["area"] + "/" + v["name"], v) for v in doc["vectors"]]
    return out


def with_key(value, key):
    if isinstance(value, str):
        return value.replace("{{key}}", key)
    if isinstance(value, list):
        return [with_key(v, key) for v in value]
    if isinstance(value, dict):
        return {k: with_key(v, key) for k, v in value.items()}
    return value


def is_number(v):
    return isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool)


def mismatches(expected, actual, path="$"):
    """README, "Matching": [] when actual matches expected."""
    if isinstance(expected, dict) and len(expected) == 1 and next(iter(expected)) in MATCHERS:
        (name, arg), = expected.items()
        if name == "$superset":
            if not isinstance(actual, dict):
                return [f"{path}: expected an object, got {actual!r}"]
            return [m for k, x in arg.items()
                    for m in ([f"{path}: missing field {k!r}"] if k not in actual else mismatches(x, actual[k], f"{path}.{k}"))]
        ok = {
            "$any": lambda: (arg == "any" or (arg == "null" and actual is None)
                             or (arg == "number" and is_number(actual))
                             or (arg == "integer" and is_number(actual) and actual == int(actual))
                             or (arg in TYPES and isinstance(actual, TYPES[arg]))),
            "$gte": lambda: is_number(actual) and actual >= arg,
            "$regex": lambda: isinstance(actual, str) and re.search(arg, actual) is not None,
            "$oneOf": lambda: any(not mismatches(x, actual) for x in arg),
            "$includes": lambda: isinstance(actual, list) and all(any(not mismatches(x, y) for y in actual) for x in arg),
        }[name]()
        return [] if ok else [f"{path}: expected {expected!r}, got {actual!r}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        out = [f"{path}: unexpected field {k!r}" for k in actual if k not in expected]
        for k, x in expected.items():
            out += [f"{path}: missing field {k!r}"] if k not in actual else mismatches(x, actual[k], f"{path}.{k}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        return [m for i, (x, y) in enumerate(zip(expected, actual)) for m in mismatches(x, y, f"{path}[{i}]")]
    same = (expected == actual and isinstance(expected, bool) == isinstance(actual, bool)
            and (expected is None) == (actual is None))
    return [] if same else [f"{path}: expected {expected!r}, got {actual!r}"]


_TIME = re.compile(r"^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$")


def native(t):
    """README, "Typed values": a typed value as the Python value the client sends and returns."""
    if isinstance(t, list):
        return [native(x) for x in t]
    if not isinstance(t, dict) or len(t) != 1:
        return t
    (k, x), = t.items()
    if k == "$int":
        return int(x)
    if k == "$decimal":
        return decimal.Decimal(x)
    if k == "$bytes":
        return base64.b64decode(x)
    if k == "$date":
        return datetime.date.fromisoformat(x)
    if k == "$datetime":
        return datetime.datetime.fromisoformat(x)
    if k == "$time":
        sign, h, m, s, frac = _TIME.match(x).groups()
        d = datetime.timedelta(hours=int(h), minutes=int(m), seconds=int(s), microseconds=int((frac or "0").ljust(6, "0")))
        return -d if sign else d
    return t


def same_value(expected, actual):
    """Equal and of the same Python type: an int is not a float, a Decimal not a str, and a
    Decimal keeps its scale (1.50 is not 1.5)."""
    e = native(expected)
    if isinstance(e, decimal.Decimal) and isinstance(actual, decimal.Decimal):
        return e.as_tuple() == actual.as_tuple()
    return type(e) is type(actual) and e == actual


OPTIONS = {"isolation": "isolation", "readOnly": "read_only", "requestKey": "request_key",
           "maxAttempts": "max_attempts", "timeoutMs": "timeout_ms",
           "consistency": "consistency", "traceparent": "traceparent"}


def check_result(test, expected, result, where):
    attrs = {"columns": "columns", "types": "types", "affectedRows": "affected_rows", "lastInsertId": "last_insert_id",
             "attempts": "attempts", "replayed": "replayed"}
    for k, x in expected.items():
        if k == "rows":
            test.assertEqual(len(result.rows), len(x), where)
            for i, (erow, arow) in enumerate(zip(x, result.rows)):
                test.assertEqual(len(erow), len(arow), f"{where} row {i}")
                for j, (e, a) in enumerate(zip(erow, arow)):
                    test.assertTrue(same_value(e, a), f"{where} row {i} column {j}: expected {native(e)!r}, got {a!r}")
        elif k == "results":
            test.assertEqual(len(result), len(x), where)
            for i, (e, r) in enumerate(zip(x, result)):
                check_result(test, e, r, f"{where} results[{i}]")
        else:
            test.assertTrue(same_value(x, getattr(result, attrs[k])), f"{where} {k}: {getattr(result, attrs[k])!r}")


def steps(spec):
    return [dict(s, params=native(s.get("params", []))) for s in spec]


@unittest.skipUnless(PORT, "TXGATE_TEST_PORT is not set: run through PythonClientTest")
class ConformanceTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.vectors = [(n, v) for n, v in load() if "knownDefect" not in v]
        with Client(HOST, int(PORT)) as c:
            c.ping()
            cls.limits = c.limits

    def runnable(self, v):
        req = v.get("requires", {})
        return all(self.limits.get(k) == x for k, x in req.items() if k != "allowRawSql") and req.get("allowRawSql", True)

    def test_wire_vectors(self):
        ran = 0
        for name, v in self.vectors:
            if not self.runnable(v):
                continue
            with self.subTest(vector=name):
                v = with_key(v, uuid.uuid4().hex)
                exchange = v.get("exchange") or [v]
                with socket.create_connection((HOST, int(PORT)), timeout=60) as s, s.makefile("rwb") as f:
                    for x in exchange:
                        frame = x["frame"] if "frame" in x else json.dumps(x["request"], ensure_ascii=False)
                        f.write(frame.encode("utf-8") + b"\n")
                        f.flush()
                        answer = json.loads(f.readline())
                        self.assertEqual(mismatches(x["response"], answer), [], f"{name}: {answer}")
                ran += 1
        self.assertGreater(ran, 100)

    def test_client_calls(self):
        ran = 0
        with Client(HOST, int(PORT), client_name="python-conformance") as db:
            for name, v in self.vectors:
                if "client" not in v or not self.runnable(v):
                    continue
                with self.subTest(vector=name):
                    c = with_key(v["client"], uuid.uuid4().hex)
                    opts = {OPTIONS[k]: x for k, x in c.get("options", {}).items()}

                    def run():
                        if c["call"] == "execute":
                            return db.execute(c["sql"], native(c.get("params", [])), expect=c.get("expect"), **opts)
                        if c["call"] == "batch":
                            return db.batch(steps(c["steps"]), **opts)
                        if c["call"] == "call":
                            return db.call(c["name"], {k: native(x) for k, x in c.get("args", {}).items()}, **opts)
                        if c["call"] == "ping":
                            return db.ping()
                        if c["call"] == "operations":
                            return db.operations()
                        if c["call"] == "hello":
                            db.ping()
                            return db.session
                        raise AssertionError(f"unknown call {c['call']}")
                    if "raises" in c:
                        with self.assertRaises(TxgateError) as caught:
                            run()
                        e = caught.exception
                        got = {"code": e.code, "retryable": e.retryable, "committed": e.committed, "step": e.step,
                               "sqlState": e.sql_state, "vendorCode": e.vendor_code}
                        self.assertEqual({k: got[k] for k in c["raises"]}, c["raises"], name)
                    else:
                        for _ in range(c.get("repeat", 1) - 1):
                            run()
                        out = run()
                        if c["call"] == "operations":
                            self.assertEqual(mismatches(c["returns"], out), [], name)
                        elif c["call"] in ("execute", "batch", "call"):
                            check_result(self, c["returns"], out, name)
                        else:
                            self.assertTrue(out)
                    ran += 1
        self.assertGreater(ran, 40)


if __name__ == "__main__":
    unittest.main()
