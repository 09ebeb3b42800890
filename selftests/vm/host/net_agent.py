#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Host end of the hv_net tests (Documentation/testing-net.rst).

QEMU's user network runs this once per guest connection to a guestfwd
address ("cmd:" forwarding): the connection is this process's stdin and
stdout (and stderr, so nothing may be printed there).

  net_agent.py serve --udp-port P --log FILE
      one command line from the guest, then:
      SINK                 read until EOF, answer "SINK <bytes> <sha256>"
      SOURCE <bytes> <seed>
                           answer "SOURCE <bytes> <sha256>", then that many
                           bytes of seeded random data, then EOF
      UDP <count> <size>   send <count> datagrams of <size> bytes to
                           127.0.0.1:P (forwarded to the guest), in groups
                           with short pauses; answer "UDP <count> sent"
      PING                 answer "PONG"
  net_agent.py relay --to HOST:PORT --log FILE
      copy the connection to and from HOST:PORT (the host's iperf3).
"""

import argparse
import hashlib
import os
import random
import selectors
import socket
import sys
import time

CHUNK = 256 * 1024


def log(args, msg):
    with open(args.log, "a", encoding="utf-8") as f:
        f.write(f"{time.strftime('%H:%M:%S')} [{os.getpid()}] {msg}\n")


def read_line(conn):
    line = b""
    while not line.endswith(b"\n") and len(line) < 256:
        b = conn.recv(1)
        if not b:
            break
        line += b
    return line.decode("ascii", "replace").strip()


def datagram(seq, count, size):
    head = seq.to_bytes(4, "big") + count.to_bytes(4, "big")
    body = bytes((seq + i) & 0xFF for i in range(8, size))
    return head + body


def serve(args, conn):
    cmd = read_line(conn).split()
    log(args, f"command {cmd}")
    if not cmd:
        return
    if cmd[0] == "PING":
        conn.sendall(b"PONG\n")
    elif cmd[0] == "SINK":
        h, n = hashlib.sha256(), 0
        while True:
            b = conn.recv(CHUNK)
            if not b:
                break
            h.update(b)
            n += len(b)
        conn.sendall(f"SINK {n} {h.hexdigest()}\n".encode())
        log(args, f"sink: {n} bytes {h.hexdigest()}")
    elif cmd[0] == "SOURCE" and len(cmd) == 3:
        n, seed = int(cmd[1]), int(cmd[2])
        data = random.Random(seed).randbytes(n)
        sha = hashlib.sha256(data).hexdigest()
        conn.sendall(f"SOURCE {n} {sha}\n".encode())
        view = memoryview(data)
        for off in range(0, n, CHUNK):
            conn.sendall(view[off:off + CHUNK])
        log(args, f"source: {n} bytes {sha}")
    elif cmd[0] == "UDP" and len(cmd) == 3:
        count, size = int(cmd[1]), int(cmd[2])
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sent = 0
        for seq in range(count):
            u.sendto(datagram(seq, count, size), ("127.0.0.1", args.udp_port))
            sent += 1
            # The user network reads its host socket in turns with
            # everything else; pauses keep the host side from overflowing
            # (a loss there would be invisible to the guest).
            if seq % 64 == 63:
                time.sleep(0.002)
        conn.sendall(f"UDP {sent} sent\n".encode())
        log(args, f"udp: {sent} datagrams of {size} bytes")
    else:
        conn.sendall(b"ERROR unknown command\n")


def relay(args, conn):
    host, port = args.to.rsplit(":", 1)
    peer = socket.create_connection((host, int(port)))
    sel = selectors.DefaultSelector()
    sel.register(conn, selectors.EVENT_READ, peer)
    sel.register(peer, selectors.EVENT_READ, conn)
    open_sides = 2
    while open_sides:
        for key, _ in sel.select():
            src, dst = key.fileobj, key.data
            b = src.recv(CHUNK)
            if b:
                dst.sendall(b)
                continue
            sel.unregister(src)
            open_sides -= 1
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
    peer.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["serve", "relay"])
    p.add_argument("--udp-port", type=int, default=0)
    p.add_argument("--to", default="")
    p.add_argument("--log", default=os.devnull)
    args = p.parse_args()
    # stderr is the guest's connection: keep tracebacks out of it.
    sys.stderr = open(args.log, "a", encoding="utf-8")
    conn = socket.socket(fileno=0)
    try:
        if args.mode == "serve":
            serve(args, conn)
        else:
            relay(args, conn)
    except (OSError, ValueError) as e:
        log(args, f"error: {e}")
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


if __name__ == "__main__":
    main()
