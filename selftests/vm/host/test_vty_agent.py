#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Unit tests of vty_agent.py without a VM: this test plays QEMU (it
listens on the vty sockets) and the guest (it writes the commands).

    python3 selftests/vm/host/test_vty_agent.py -v
"""

import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT = os.path.join(HERE, "vty_agent.py")
SIZE = 8192


class Guest:
    """The guest's end of one vty: a connection the agent made to us."""

    def __init__(self, conn):
        self.conn = conn
        self.buf = b""

    def send(self, data):
        self.conn.sendall(data)

    def line(self, timeout=10):
        self.conn.settimeout(timeout)
        while b"\n" not in self.buf:
            d = self.conn.recv(65536)
            if not d:
                raise EOFError("agent closed the vty")
            self.buf += d
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode()

    def exact(self, n, timeout=10):
        self.conn.settimeout(timeout)
        while len(self.buf) < n:
            d = self.conn.recv(65536)
            if not d:
                raise EOFError("agent closed the vty")
            self.buf += d
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


def fake_shell(g):
    """Stands in for "sh -i" on a tty: echoes each typed line the way the
    tty would (CR LF), then runs it and sends its output with CR LF."""
    try:
        while True:
            line = g.line(timeout=30)
            g.send(b"~ # " + line.encode() + b"\r\n")
            out = subprocess.run(["/bin/sh", "-c", line], capture_output=True).stdout
            g.send(out.replace(b"\n", b"\r\n"))
    except (EOFError, OSError):
        pass


class AgentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.sets = os.path.join(d, "sets")
        subprocess.run([sys.executable, AGENT, "gen", "--seed", "test", "--out", cls.sets,
                        "--size", str(SIZE)], check=True)
        cls.index = {}
        with open(os.path.join(cls.sets, "index")) as f:
            for line in f:
                name, size, sha, crs, crnuls = line.split()
                cls.index[name] = (int(size), sha, int(crs), int(crnuls))
        cls.console = os.path.join(d, "console.log")
        with open(cls.console, "w") as f:
            f.write("[    1.000000] hvkit console check tok123\nother line\n")
        listeners = []
        args = []
        for k in (1, 2, 3):
            path = os.path.join(d, f"vty{k}.sock")
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(path)
            s.listen(1)
            listeners.append(s)
            args += ["--vty", f"{k}={path}"]
        cls.log = os.path.join(d, "agent.log")
        cls.proc = subprocess.Popen([sys.executable, AGENT, "serve", "--sets", cls.sets,
                                     "--console", cls.console, "--log", cls.log,
                                     "--idle-timeout", "2"] + args)
        cls.g = {}
        for k, s in zip((1, 2, 3), listeners):
            s.settimeout(10)
            conn, _ = s.accept()
            cls.g[k] = Guest(conn)
            s.close()
        threading.Thread(target=fake_shell, args=(cls.g[3],), daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        for g in cls.g.values():
            g.conn.close()
        try:
            cls.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cls.proc.kill()
        cls.tmp.cleanup()

    def data(self, name):
        with open(os.path.join(self.sets, name), "rb") as f:
            return f.read()

    def test_datasets(self):
        for name, (size, sha, crs, crnuls) in self.index.items():
            d = self.data(name)
            self.assertEqual(len(d), size)
            self.assertEqual(hashlib.sha256(d).hexdigest(), sha)
            self.assertEqual(d.count(b"\r"), crs)
            self.assertEqual(d.count(b"\r\x00"), crnuls)
        crlf = self.data("crlf")
        self.assertGreater(self.index["crlf"][3], 100)
        self.assertEqual(self.index["plain"][3], 0)
        # every 2- and 3-byte sequence over CR, LF, NUL, 'a'
        alpha = b"\r\n\x00a"
        for a in alpha:
            for b in alpha:
                self.assertIn(bytes([a, b]), crlf)
                for c in alpha:
                    self.assertIn(bytes([a, b, c]), crlf)
        self.assertIn(b"\r\x00\x00" * 2, crlf)

    def test_ping_names_the_vty(self):
        for k in (1, 2):
            self.g[k].send(b"PING abc\n")
            self.assertEqual(self.g[k].line(), f"PONG abc {k}")

    def test_get(self):
        g = self.g[1]
        g.send(b"GET crlf 1000\n")
        self.assertEqual(g.line(), "DATA 1000")
        self.assertEqual(g.exact(1000), self.data("crlf")[:1000])
        g.send(f"GET random {SIZE + 10}\n".encode())
        self.assertEqual(g.line(), f"DATA {SIZE + 10}")
        d = self.data("random")
        self.assertEqual(g.exact(SIZE + 10), d + d[:10])
        g.send(b"GET nosuch 5\n")
        self.assertTrue(g.line().startswith("ERR"))

    def test_put(self):
        g = self.g[1]
        payload = self.data("crlf")[:3000]
        g.send(b"PUT 3000\n" + payload)
        self.assertEqual(g.line(), "SHA256 " + hashlib.sha256(payload).hexdigest())

    def test_put_short_times_out(self):
        g = self.g[2]
        g.send(b"PUT 100\n" + b"x" * 40)
        self.assertTrue(g.line(timeout=10).startswith("ERR timeout after 40 of 100"))

    def test_drain(self):
        g = self.g[2]
        g.send(b"DRAIN 100 300\n" + b"y" * 60)
        self.assertEqual(g.line(), "GOT 60 " + hashlib.sha256(b"y" * 60).hexdigest())
        g.send(b"DRAIN 10 300\n" + b"z" * 10)
        self.assertEqual(g.line(), "GOT 10 " + hashlib.sha256(b"z" * 10).hexdigest())

    def test_pad_raw_console(self):
        g1, g2 = self.g[1], self.g[2]
        g1.send(b"PAD 5\n")
        self.assertEqual(g1.exact(5), b"~~~~~")
        g1.send(b"RAW 2 610d00\n")
        self.assertEqual(g1.line(), "RAW 3")
        self.assertEqual(g2.exact(3), b"a\r\x00")
        g1.send(b"CONSOLE tok123\n")
        self.assertEqual(g1.line(), "CONSOLE 1")
        g1.send(b"CONSOLE nothere\n")
        self.assertEqual(g1.line(), "CONSOLE 0")

    def test_stream(self):
        g = self.g[1]
        g.send(b"STREAM OUT 500\n" + b"q" * 500)
        words = g.line().split()
        self.assertEqual(words[:2], ["STREAM", "500"])
        self.assertEqual(words[3], hashlib.sha256(b"q" * 500).hexdigest())
        g.send(b"STREAM IN 100\n")
        self.assertEqual(g.line(), "DATA 100")
        self.assertEqual(g.exact(100), self.data("plain")[:100])

    def test_unknown_lines_are_ignored(self):
        g = self.g[1]
        g.send(b"BusyBox v1.35 built-in shell\nnonsense\n\nPING x\n")
        self.assertEqual(g.line(), "PONG x 1")
        g.send(b"GET random notanumber\n")
        self.assertTrue(g.line().startswith("ERR bad command"))

    def test_shell(self):
        g = self.g[1]
        g.send(b"SHELL 3 echo $((6*7))-tok\n")
        head = g.line(timeout=20).split()
        self.assertEqual(head[0], "OUTPUT", head)
        out = g.exact(int(head[1]))
        self.assertEqual(out, b"42-tok\n")
        self.assertEqual(hashlib.sha256(out).hexdigest(), head[2])
        g.send(b"SHELL 3 printf 'a\\nb\\n'\n")
        head = g.line(timeout=20).split()
        self.assertEqual(g.exact(int(head[1])), b"a\nb\n")
        g.send(b"SHELL 1 true\n")
        self.assertTrue(g.line().startswith("ERR"))


class FakeVty:
    index = 9

    def __init__(self):
        self.wire = b""

    def send_raw(self, data):
        self.wire += data


def packets(wire):
    """Split wire bytes into (type, seqno, body) tuples."""
    out = []
    while wire:
        n = wire[1]
        out.append((wire[0], int.from_bytes(wire[2:4], "big"), wire[4:n]))
        wire = wire[n:]
    return out


class HvsiTest(unittest.TestCase):
    """The agent's HVSI end, without sockets."""

    def setUp(self):
        sys.path.insert(0, HERE)
        import vty_agent

        self.m = vty_agent
        self.v = FakeVty()
        self.h = vty_agent.Hvsi(self.v, "seed")

    def test_wrap_feed_round_trip_in_any_pieces(self):
        data = os.urandom(5000) + b"\r\0\r\n\0"
        wire = self.h.wrap(data)
        self.assertTrue(all(t == 0xFF and len(b) <= 251 for t, _, b in packets(wire)))
        other = self.m.Hvsi(FakeVty(), "other")
        got = b"".join(other.feed(wire[i : i + 7]) for i in range(0, len(wire), 7))
        self.assertEqual(got, data)
        self.assertEqual(other.st["bad"], 0)

    def test_version_query_is_answered_and_returned(self):
        self.h.feed(bytes([0xFD, 6, 0, 42, 0, 1]))
        (t1, _, b1), (t2, _, b2) = packets(self.v.wire)
        self.assertEqual((t1, b1[:4], b1[4]), (0xFC, bytes([0, 1, 0, 42]), 1))
        self.assertEqual((t2, b2), (0xFD, bytes([0, 1])))
        self.assertEqual(self.h.st["version_queries"], 1)

    def test_dtr_and_guest_version_are_recorded(self):
        self.h.feed(bytes([0xFE, 14, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]))
        self.assertEqual(self.h.st["dtr"], 1)
        self.h.feed(bytes([0xFE, 14, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]))
        self.assertEqual((self.h.st["dtr"], self.h.st["dtr_changes"]), (0, 2))
        self.h.feed(bytes([0xFC, 12, 0, 3, 0, 1, 0, 1, 1, 0, 0, 0]))
        self.assertEqual(self.h.st["guest_version"], 1)

    def test_garbage_is_counted(self):
        self.assertEqual(self.h.feed(b"\x00\x41" + bytes([0xFF, 5, 0, 0, 0x7A])), b"z")
        self.assertEqual(self.h.st["bad"], 2)


if __name__ == "__main__":
    unittest.main()
