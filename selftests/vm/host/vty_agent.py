#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Host side of the hvkit vty tests: a server the GUEST drives.

QEMU exposes each extra spapr-vty as a unix socket (server=on, wait=off);
this agent connects to every one of them and answers newline-terminated
commands the guest writes on any of them. Requests and replies strictly
alternate on a vty, so the guest never has to read more than it asked for.

Commands (guest -> agent), replies (agent -> guest):

  PING [TOKEN]            PONG TOKEN VTY            VTY = the agent's index
  GET NAME N              DATA N, then exactly N bytes of data set NAME
                          (from offset 0, repeated if N exceeds its size)
  PUT N, then N bytes     SHA256 HEX                of exactly those N bytes
  DRAIN MAX IDLE_MS,      GOT COUNT HEX             what arrived until MAX
    then up to MAX bytes                            bytes or IDLE_MS of silence
  SHELL VTY COMMAND...    OUTPUT N HEX, then N bytes: COMMAND typed into the
                          interactive shell the guest runs on vty VTY, and
                          its output (CRs removed)
  CONSOLE TOKEN           CONSOLE COUNT             lines of the console log
                          that contain TOKEN
  STREAM OUT N, then      STREAM N NS HEX           NS: first to last byte
    N bytes
  STREAM IN N             DATA N, then N bytes of the "plain" set
  PAD N                   N bytes of '~' (completes a read that lost bytes)
  RAW VTY HEX             RAW N                     writes the bytes HEX as
                                                    they are on vty VTY
  SAVE NAME               SAVED N                   keeps the last DRAIN/PUT
                                                    payload as NAME in the log dir
  HVSI VTY STATE          HVSI KEY=VALUE...         the HVSI peer's view of VTY
  HVSI VTY CARRIER 0|1    HVSI OK                   sends a carrier update
  HVSI VTY CLOSE          HVSI OK                   sends a protocol close
  HVSI VTY VERSION N      HVSI OK                   version to report from now on
On a vty named by --hvsi the agent is the hypervisor's side of HVSI (the
protocol of "hvterm-protocol" vtys): everything above travels inside HVSI
data packets, cut at random sizes, and the agent answers the guest's
version and modem-status queries, asks for the guest's version in turn,
and records DTR. RAW bytes go on the wire unwrapped.

Errors: ERR TEXT. Lines that are not commands (a shell banner, say) are
logged and ignored: nothing is ever typed back in answer to them.

  vty_agent.py gen --seed S --out DIR [--size BYTES]
      writes the data sets and DIR/index ("NAME SIZE SHA256 CRS CRNULS"
      lines: CRS = CR bytes, CRNULS = CR NUL pairs)
  vty_agent.py serve --sets DIR --vty K=SOCKET... [--hvsi K]... [--console FILE]
                     [--log FILE] [--idle-timeout S]
      serves until every vty has closed (QEMU exited) or SIGTERM
"""

import argparse
import hashlib
import os
import random
import re
import secrets
import signal
import socket
import struct
import sys
import threading
import time

CR, LF, NUL = 0x0D, 0x0A, 0x00

# ---------------------------------------------------------------------------
# Data sets


def dataset_random(rng, size):
    return rng.randbytes(size)


def dataset_crlf(rng, size):
    """CR, LF and NUL as densely as possible, in every short combination.

    Built from segments, cycled until SIZE bytes:
      * every 1-, 2- and 3-byte sequence over {CR, LF, NUL, 'a'} in order,
        so that each also meets its neighbours' ends;
      * the same sequences in a seeded random order;
      * runs of CR NUL NUL (a real NUL after a CR: the hypervisor sends
        CR NUL NUL and exactly one NUL must go);
      * CR as the last byte of every 16-byte block and NUL as the first of
        the next (an inserted NUL that lands in the next hypercall);
      * CR NUL as the last two bytes of every 16-byte block;
      * long runs of CR, of NUL, of CR LF, of LF CR;
      * random bytes drawn from the alphabet.
    """
    alpha = bytes([CR, LF, NUL, ord("a")])
    seqs = [bytes([a]) for a in alpha]
    seqs += [bytes([a, b]) for a in alpha for b in alpha]
    seqs += [bytes([a, b, c]) for a in alpha for b in alpha for c in alpha]
    every = b"".join(seqs)

    def shuffled():
        s = list(seqs)
        rng.shuffle(s)
        return b"".join(s)

    def blocks(last, first=None, n=64):
        out = bytearray()
        for _ in range(n):
            blk = bytearray(rng.choice(alpha) for _ in range(16))
            blk[15] = last
            if first is not None:
                blk[0] = first
            out += blk
        return bytes(out)

    def boundary_cr_nul(n=64):
        out = bytearray()
        for _ in range(n):
            blk = bytearray(rng.choice(alpha) for _ in range(16))
            blk[14] = CR
            blk[15] = NUL
            out += blk
        return bytes(out)

    makers = [
        lambda: every,
        shuffled,
        lambda: bytes([CR, NUL, NUL]) * rng.randint(1, 64),
        lambda: blocks(CR, NUL),
        lambda: blocks(CR),
        boundary_cr_nul,
        lambda: bytes([CR]) * rng.randint(1, 100),
        lambda: bytes([NUL]) * rng.randint(1, 100),
        lambda: bytes([CR, LF]) * rng.randint(1, 50),
        lambda: bytes([LF, CR]) * rng.randint(1, 50),
        lambda: bytes(rng.choice(alpha) for _ in range(rng.randint(1, 512))),
    ]
    out = bytearray()
    i = 0
    while len(out) < size:
        out += makers[i % len(makers)]()
        i += 1
    return bytes(out[:size])


def dataset_plain(rng, size):
    """Random bytes without a NUL right after a CR: what the CR/NUL
    handling of a vty cannot get wrong, for tests about something else."""
    data = bytearray(rng.randbytes(size))
    i = data.find(b"\r\x00")
    while i >= 0:
        data[i + 1] = 0x01
        i = data.find(b"\r\x00", i + 1)
    return bytes(data)


DATASETS = {"random": dataset_random, "crlf": dataset_crlf, "plain": dataset_plain}


def cmd_gen(args):
    os.makedirs(args.out, exist_ok=True)
    lines = []
    for name, maker in DATASETS.items():
        # One generator per set, so each set depends on the seed only.
        rng = random.Random(f"{args.seed}:{name}")
        data = maker(rng, args.size)
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        crnuls = data.count(bytes([CR, NUL]))
        lines.append(f"{name} {len(data)} {hashlib.sha256(data).hexdigest()} "
                     f"{data.count(CR)} {crnuls}\n")
    with open(os.path.join(args.out, "index"), "w") as f:
        f.writelines(lines)
    with open(os.path.join(args.out, "seed"), "w") as f:
        f.write(f"{args.seed}\n")
    return 0


# ---------------------------------------------------------------------------
# Serving

log_lock = threading.Lock()
log_file = sys.stderr
t_start = time.monotonic()


def log(msg):
    with log_lock:
        log_file.write(f"[{time.monotonic() - t_start:9.3f}] {msg}\n")
        log_file.flush()


class Closed(Exception):
    pass


HVSI_DATA, HVSI_CONTROL, HVSI_QUERY, HVSI_RESPONSE = 0xFF, 0xFE, 0xFD, 0xFC
HVSI_SET_MODEM_CTL, HVSI_MODEM_CTL_UPDATE, HVSI_CLOSE_PROTOCOL = 1, 2, 3
HVSI_QUERY_VERSION, HVSI_QUERY_MODEM_CTL = 1, 2
HVSI_DTR, HVSI_CD = 0x01, 0x20
HVSI_MAX_DATA = 251


class Hvsi:
    """The hypervisor's end of HVSI on one vty. feed() takes wire bytes and
    returns the data they carry; wrap() packs data for the wire."""

    def __init__(self, vty, seed):
        self.vty = vty
        self.rng = random.Random(seed)
        self.inbuf = bytearray()
        self.seq = 0
        self.lock = threading.Lock()
        self.version = 1
        self.carrier = True
        self.st = {
            "guest_version": "none",  # the guest's answer to our query
            "version_queries": 0,  # the guest's version queries
            "modem_queries": 0,
            "dtr": "unset",
            "dtr_changes": 0,
            "guest_closes": 0,
            "data_packets": 0,
            "bad": 0,  # bytes or packets we could not parse
        }

    def packet(self, ptype, body):
        with self.lock:
            self.seq = (self.seq + 1) & 0xFFFF
            return bytes([ptype, 4 + len(body)]) + struct.pack(">H", self.seq) + body

    def wrap(self, data):
        out = []
        pos = 0
        while pos < len(data):
            n = self.rng.randint(1, HVSI_MAX_DATA)
            out.append(self.packet(HVSI_DATA, data[pos : pos + n]))
            pos += n
        return b"".join(out)

    def send_packet(self, ptype, body):
        self.vty.send_raw(self.packet(ptype, body))

    def feed(self, raw):
        self.inbuf += raw
        data = []
        while True:
            while self.inbuf and self.inbuf[0] < HVSI_RESPONSE:
                self.st["bad"] += 1
                del self.inbuf[0]
            if len(self.inbuf) < 4:
                break
            n = self.inbuf[1]
            if n < 4:
                self.st["bad"] += 1
                del self.inbuf[0]
                continue
            if len(self.inbuf) < n:
                break
            pkt = bytes(self.inbuf[:n])
            del self.inbuf[:n]
            if pkt[0] == HVSI_DATA:
                self.st["data_packets"] += 1
                data.append(pkt[4:])
            else:
                self.handle(pkt)
        return b"".join(data)

    def handle(self, pkt):
        ptype, seq = pkt[0], struct.unpack(">H", pkt[2:4])[0]
        verb = struct.unpack(">H", pkt[4:6])[0] if len(pkt) >= 6 else None
        if ptype == HVSI_QUERY and verb == HVSI_QUERY_VERSION:
            self.st["version_queries"] += 1
            self.send_packet(HVSI_RESPONSE, struct.pack(">HHB3x", verb, seq, self.version))
            # As the hypervisor does: ask for the guest's version in turn.
            self.send_packet(HVSI_QUERY, struct.pack(">H", HVSI_QUERY_VERSION))
        elif ptype == HVSI_QUERY and verb == HVSI_QUERY_MODEM_CTL:
            self.st["modem_queries"] += 1
            word = HVSI_CD if self.carrier else 0
            self.send_packet(HVSI_RESPONSE, struct.pack(">HHI", verb, seq, word))
        elif ptype == HVSI_RESPONSE and verb == HVSI_QUERY_VERSION and len(pkt) >= 9:
            self.st["guest_version"] = pkt[8]
        elif ptype == HVSI_CONTROL and verb == HVSI_SET_MODEM_CTL and len(pkt) >= 14:
            word, mask = struct.unpack(">II", pkt[6:14])
            if mask & HVSI_DTR:
                dtr = 1 if word & HVSI_DTR else 0
                if self.st["dtr"] != dtr:
                    self.st["dtr_changes"] += 1
                self.st["dtr"] = dtr
        elif ptype == HVSI_CONTROL and verb == HVSI_CLOSE_PROTOCOL:
            self.st["guest_closes"] += 1
        else:
            self.st["bad"] += 1
        log(f"vty{self.vty.index}: hvsi <- {pkt.hex()}")

    def state(self):
        return " ".join(f"{k}={v}" for k, v in self.st.items())


class Vty:
    """One socket: a reader thread fills a buffer, consumers take from it."""

    def __init__(self, index, path):
        self.index = index
        self.path = path
        self.sock = None
        self.buf = bytearray()
        self.cond = threading.Condition()
        self.eof = False
        self.shell = False  # claimed by SHELL: the command loop stays off
        self.last_payload = b""
        self.wlock = threading.Lock()
        self.hvsi = None

    def connect(self, deadline):
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.path)
                self.sock = s
                return
            except OSError as e:
                s.close()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"vty{self.index}: cannot connect to {self.path}: {e}")
                time.sleep(0.05)

    def reader(self):
        try:
            while True:
                d = self.sock.recv(65536)
                if not d:
                    break
                if self.hvsi:
                    d = self.hvsi.feed(d)
                with self.cond:
                    self.buf += d
                    self.cond.notify_all()
        except OSError as e:
            log(f"vty{self.index}: recv: {e}")
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def send(self, data):
        if self.hvsi:
            data = self.hvsi.wrap(data)
        self.send_raw(data)

    def send_raw(self, data):
        with self.wlock:
            self.sock.sendall(data)

    def reply(self, line):
        log(f"vty{self.index}: -> {line}")
        self.send(line.encode() + b"\n")

    def read_line(self, for_commands=False):
        """A line without its LF (CR stripped), or None when the vty was
        claimed by a shell (for_commands) or closed."""
        with self.cond:
            while True:
                if for_commands and self.shell:
                    return None
                i = self.buf.find(b"\n")
                if i >= 0:
                    line = bytes(self.buf[:i])
                    del self.buf[: i + 1]
                    return line.rstrip(b"\r")
                if self.eof:
                    return None
                self.cond.wait()

    def read_exact(self, n, idle, sink):
        """Feed exactly n bytes to sink(chunk); returns (got, first_t, last_t).
        Gives up after `idle` seconds without data."""
        got = 0
        first = last = None
        with self.cond:
            while got < n:
                if self.buf:
                    take = min(n - got, len(self.buf))
                    chunk = bytes(self.buf[:take])
                    del self.buf[:take]
                    now = time.monotonic_ns()
                    first = first or now
                    last = now
                    got += take
                    sink(chunk)
                    continue
                if self.eof:
                    break
                if not self.cond.wait(timeout=idle):
                    break
        return got, first, last

    def read_until(self, pattern, timeout):
        """Everything up to and including the first match of pattern (bytes
        regex), or None on timeout/close; the match's text is consumed."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = pattern.search(self.buf)
                if m:
                    data = bytes(self.buf[: m.end()])
                    del self.buf[: m.end()]
                    return data
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    return None
                self.cond.wait(timeout=left)


class Agent:
    def __init__(self, args):
        self.args = args
        self.vtys = {}
        self.sets = {}
        with open(os.path.join(args.sets, "index")) as f:
            for line in f:
                name, size, digest = line.split()[:3]
                with open(os.path.join(args.sets, name), "rb") as g:
                    data = g.read()
                if len(data) != int(size) or hashlib.sha256(data).hexdigest() != digest:
                    raise RuntimeError(f"data set {name} does not match its index")
                self.sets[name] = data
        self.idle = args.idle_timeout

    def dataset_bytes(self, name, n):
        data = self.sets[name]
        if n <= len(data):
            return data[:n]
        reps = n // len(data) + 1
        return (data * reps)[:n]

    # Each handler gets the vty and the words after the command name.

    def do_ping(self, v, w):
        v.reply(f"PONG {w[0] if w else '-'} {v.index}")

    def do_get(self, v, w):
        name, n = w[0], int(w[1])
        if name not in self.sets:
            v.reply(f"ERR no data set {name}")
            return
        data = self.dataset_bytes(name, n)
        t0 = time.monotonic()
        log(f"vty{v.index}: -> DATA {n} ({name})")
        v.send(f"DATA {n}\n".encode() + data)
        log(f"vty{v.index}: GET {name} {n}: handed to QEMU in {time.monotonic() - t0:.3f} s")

    def receive(self, v, n, keep=True):
        h = hashlib.sha256()
        parts = []

        def sink(chunk):
            h.update(chunk)
            if keep:
                parts.append(chunk)

        got, first, last = v.read_exact(n, self.idle, sink)
        v.last_payload = b"".join(parts)
        return got, first, last, h.hexdigest()

    def do_put(self, v, w):
        n = int(w[0])
        got, first, last, hexd = self.receive(v, n)
        if got != n:
            v.reply(f"ERR timeout after {got} of {n} bytes sha256 {hexd}")
            return
        secs = (last - first) / 1e9 if first else 0
        log(f"vty{v.index}: PUT {n}: {secs:.3f} s first to last byte")
        v.reply(f"SHA256 {hexd}")

    def do_drain(self, v, w):
        n, idle_ms = int(w[0]), int(w[1])
        h = hashlib.sha256()
        parts = []

        def sink(chunk):
            h.update(chunk)
            parts.append(chunk)

        got, _f, _l = v.read_exact(n, idle_ms / 1000.0, sink)
        v.last_payload = b"".join(parts)
        v.reply(f"GOT {got} {h.hexdigest()}")

    def do_save(self, v, w):
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", w[0])
        d = os.path.dirname(os.path.abspath(self.args.log)) if self.args.log else "."
        path = os.path.join(d, f"vty{v.index}-{name}")
        with open(path, "wb") as f:
            f.write(v.last_payload)
        v.reply(f"SAVED {len(v.last_payload)}")

    def do_console(self, v, w):
        tok = w[0].encode()
        n = 0
        if self.args.console:
            with open(self.args.console, "rb") as f:
                n = sum(1 for line in f if tok in line)
        v.reply(f"CONSOLE {n}")

    def do_shell(self, v, w):
        k = int(w[0])
        command = " ".join(w[1:])
        t = self.vtys.get(k)
        if t is None or t is v:
            v.reply(f"ERR no vty {k} to type into")
            return
        with t.cond:
            t.shell = True
            t.cond.notify_all()
        nonce = secrets.token_hex(4)
        # The shell echoes the typed line with the $((...)) unexpanded, so
        # only its output has these exact lines.
        begin = f"SB-1-{nonce}".encode()
        end = f"SE-2-{nonce}".encode()
        line = f'echo "SB-$((0+1))-{nonce}"; {command}; echo "SE-$((0+2))-{nonce}"\n'
        log(f"vty{t.index}: typing {line.rstrip()!r}")
        t.send(line.encode())
        got = t.read_until(re.compile(rb"(^|\n)[^\n]*" + re.escape(end) + rb"\r?\n", re.M), 30)
        if got is None:
            with t.cond:
                seen = bytes(t.buf[-400:])
            log(f"vty{t.index}: shell gave no end marker; last output {seen!r}")
            v.reply("ERR no end marker from the shell within 30 s")
            return
        text = got.replace(b"\r", b"")
        lines = text.split(b"\n")
        try:
            b = next(i for i, x in enumerate(lines) if x.endswith(begin))
            e = next(i for i, x in enumerate(lines) if i > b and x.endswith(end))
        except StopIteration:
            log(f"vty{t.index}: markers out of order in {text!r}")
            v.reply("ERR markers out of order")
            return
        out = b"".join(x + b"\n" for x in lines[b + 1 : e])
        log(f"vty{t.index}: shell output {out!r}")
        v.reply(f"OUTPUT {len(out)} {hashlib.sha256(out).hexdigest()}")
        v.send(out)

    def do_pad(self, v, w):
        n = int(w[0])
        log(f"vty{v.index}: -> {n} bytes of padding")
        v.send(b"~" * n)

    def do_raw(self, v, w):
        k, data = int(w[0]), bytes.fromhex(w[1])
        t = self.vtys.get(k)
        if t is None:
            v.reply(f"ERR no vty {k}")
            return
        log(f"vty{k}: -> raw {data!r}")
        t.send_raw(data)
        v.reply(f"RAW {len(data)}")

    def do_stream(self, v, w):
        way, n = w[0], int(w[1])
        if way == "IN":
            data = self.dataset_bytes("plain", n)
            v.send(f"DATA {n}\n".encode() + data)
            return
        if way != "OUT":
            v.reply("ERR STREAM IN|OUT N")
            return
        got, first, last, hexd = self.receive(v, n, keep=False)
        if got != n:
            v.reply(f"ERR timeout after {got} of {n} bytes")
            return
        v.reply(f"STREAM {n} {last - first} {hexd}")

    def do_hvsi(self, v, w):
        t = self.vtys.get(int(w[0]))
        if t is None or t.hvsi is None:
            v.reply(f"ERR vty {w[0]} does not speak HVSI")
            return
        h, what = t.hvsi, w[1]
        if what == "STATE":
            v.reply(f"HVSI {h.state()}")
            return
        if what == "CARRIER":
            h.carrier = w[2] == "1"
            word = HVSI_CD if h.carrier else 0
            h.send_packet(HVSI_CONTROL, struct.pack(">HII", HVSI_MODEM_CTL_UPDATE, word, HVSI_CD))
        elif what == "CLOSE":
            h.send_packet(HVSI_CONTROL, struct.pack(">HII", HVSI_CLOSE_PROTOCOL, 0, 0))
        elif what == "VERSION":
            h.version = int(w[2])
        else:
            v.reply("ERR HVSI VTY STATE|CARRIER 0|1|CLOSE|VERSION N")
            return
        v.reply("HVSI OK")

    COMMANDS = {
        b"PING": do_ping,
        b"GET": do_get,
        b"PUT": do_put,
        b"DRAIN": do_drain,
        b"SAVE": do_save,
        b"CONSOLE": do_console,
        b"SHELL": do_shell,
        b"STREAM": do_stream,
        b"PAD": do_pad,
        b"RAW": do_raw,
        b"HVSI": do_hvsi,
    }

    def command_loop(self, v):
        while True:
            line = v.read_line(for_commands=True)
            if line is None:
                if v.shell:
                    log(f"vty{v.index}: now a shell vty; no more commands here")
                return
            words = line.split()
            handler = self.COMMANDS.get(words[0]) if words else None
            if handler is None:
                log(f"vty{v.index}: ignored {line[:200]!r}")
                continue
            log(f"vty{v.index}: <- {line.decode(errors='replace')}")
            try:
                handler(self, v, [x.decode() for x in words[1:]])
            except (ValueError, IndexError, UnicodeDecodeError) as e:
                v.reply(f"ERR bad command: {e}")
            except OSError as e:
                log(f"vty{v.index}: {e}")
                return

    def serve(self):
        deadline = time.monotonic() + self.args.connect_timeout
        for spec in self.args.vty:
            k, path = spec.split("=", 1)
            self.vtys[int(k)] = Vty(int(k), path)
        for k in self.args.hvsi:
            if k not in self.vtys:
                raise RuntimeError(f"--hvsi {k}: no such vty")
            self.vtys[k].hvsi = Hvsi(self.vtys[k], f"{self.args.sets}:{k}")
        threads = []
        for v in self.vtys.values():
            v.connect(deadline)
            log(f"vty{v.index}: connected to {v.path}")
            for fn in (v.reader, lambda v=v: self.command_loop(v)):
                t = threading.Thread(target=fn, daemon=True)
                t.start()
                threads.append(t)
        if self.args.ready:
            with open(self.args.ready, "w") as f:
                f.write("ready\n")
        for t in threads:
            t.join()
        log("every vty closed")


def cmd_serve(args):
    global log_file
    if args.log:
        log_file = open(args.log, "a", buffering=1)
    signal.signal(signal.SIGTERM, lambda *_: (log("SIGTERM"), os._exit(0)))
    try:
        Agent(args).serve()
    except RuntimeError as e:
        log(f"error: {e}")
        return 1
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--seed", required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--size", type=int, default=1 << 20)
    s = sub.add_parser("serve")
    s.add_argument("--sets", required=True)
    s.add_argument("--vty", action="append", default=[], help="INDEX=SOCKET")
    s.add_argument("--hvsi", action="append", type=int, default=[], help="INDEX")
    s.add_argument("--console")
    s.add_argument("--log")
    s.add_argument("--ready")
    s.add_argument("--idle-timeout", type=float, default=60)
    s.add_argument("--connect-timeout", type=float, default=30)
    args = p.parse_args()
    return cmd_gen(args) if args.cmd == "gen" else cmd_serve(args)


if __name__ == "__main__":
    sys.exit(main())
