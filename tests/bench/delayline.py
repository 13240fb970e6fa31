#!/usr/bin/env python3
"""tests/bench/delayline.py: a long link in user space, for kernels without `tc netem`.

Creates two TUN devices (NAME-s, NAME-c) and copies every packet from one to the other after
DELAY milliseconds, dropping LOSS percent of them at random (each direction on its own). run.sh
moves the devices into the server and client namespaces and gives them point-to-point
addresses; the file descriptors stay bound to the devices wherever they go. TCP sees a real
round trip of 2 x DELAY and real losses, as with netem on both ends of a veth pair.

    delayline.py NAME DELAY_MS LOSS_PERCENT   prints "ready" once both devices exist; runs until
                                              killed. SIGUSR1 re-reads the loss from the file
                                              NAME.loss in the current folder (bench.py's switch).
"""

import fcntl
import heapq
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    name, delay, loss = sys.argv[1], float(sys.argv[2]) / 1000, float(sys.argv[3]) / 100
    state = {"loss": loss}

    def reread(*_):
        try:
            with open(f"{name}.loss") as f:
                state["loss"] = float(f.read().strip()) / 100
        except (OSError, ValueError):
            pass

    signal.signal(signal.SIGUSR1, reread)
    a, b = tun(f"{name}-s"), tun(f"{name}-c")
    other = {a: b, b: a}
    print("ready", flush=True)
    due = []  # (time, seq, fd to write, packet)
    seq = 0
    while True:
        wait = max(0.0, due[0][0] - time.monotonic()) if due else 1.0
        try:
            readable, _, _ = select.select([a, b], [], [], wait)
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd in readable:
            for _ in range(64):
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                if state["loss"] and random.random() < state["loss"]:
                    continue
                seq += 1
                heapq.heappush(due, (now + delay, seq, other[fd], packet))
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, _, fd, packet = heapq.heappop(due)
            try:
                os.write(fd, packet)
            except OSError:
                pass  # the device is down or its queue full: a lost packet, as on a wire


if __name__ == "__main__":
    main()
