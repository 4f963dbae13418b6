"""Devices through HAProxy while a node is killed: how long each device on the dead node takes to be
accepted again (by another node), from the kill.

Every device logs in through HAProxy's Teltonika port, then sends one fix every INTERVAL seconds and
reads its ACK. A device whose connection fails reconnects every 50 ms until a node accepts its IMEI again.
The driver (cluster-comeback.sh) writes the kill's wall-clock time into KILL_FILE; at the end this prints
`key: value` lines: devices, lost (were on the killed node), back, and the come-back p50/p90/max in
seconds, from the kill.

  python3 cluster_comeback.py --port 31991 --devices 60 --duration 25 --kill-file /tmp/kill
"""
import argparse
import os
import socket
import statistics
import struct
import sys
import threading
import time

sys.dont_write_bytecode = True  # nothing to leave in scripts/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from teltonika_frames import teltonika_frame, teltonika_login  # noqa: E402


def connect(port, imei):
    sock = socket.create_connection(("127.0.0.1", port), timeout=2)
    sock.settimeout(2)
    sock.sendall(teltonika_login(imei))
    if sock.recv(1) != b"\x01":
        sock.close()
        raise OSError("IMEI refused")
    return sock


def acked(sock, ms, lat, lon):
    sock.sendall(teltonika_frame([(ms, lat, lon, 40)]))
    ack = b""
    while len(ack) < 4:
        chunk = sock.recv(4 - len(ack))
        if not chunk:
            return False
        ack += chunk
    return struct.unpack(">I", ack)[0] == 1


def device(args, index, stop, results):
    imei = str(args.imei_base + index)
    sock, lost_at, n = None, None, 0
    while not stop.is_set():
        if sock is None:
            try:
                sock = connect(args.port, imei)
            except OSError:
                time.sleep(0.05)
                continue
            if lost_at is not None:
                results.append((index, lost_at, time.time()))
                lost_at = None
        n += 1
        try:
            ok = acked(sock, int(time.time() * 1000), 45.0 + index * 0.01 + n * 1e-5, 25.0)
        except OSError:
            ok = False
        if not ok:
            sock.close()
            sock = None
            lost_at = lost_at or time.time()
            continue
        time.sleep(args.interval)
    if sock is not None:
        sock.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True, help="HAProxy's Teltonika port")
    parser.add_argument("--devices", type=int, default=60)
    parser.add_argument("--duration", type=float, default=25)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--imei-base", type=int, default=356000000000000)
    parser.add_argument("--kill-file", required=True)
    args = parser.parse_args()
    stop, results = threading.Event(), []
    threads = [threading.Thread(target=device, args=(args, i, stop, results), daemon=True) for i in range(args.devices)]
    for t in threads:
        t.start()
    time.sleep(args.duration)
    stop.set()
    for t in threads:
        t.join(timeout=5)
    kill = float(open(args.kill_file).read().strip())
    back = sorted(b - kill for _, lost, b in results if lost >= kill - 1)
    print(f"devices: {args.devices}")
    print(f"lost: {len(back)}")
    if back:
        print(f"comeback_p50_s: {statistics.median(back):.2f}")
        print(f"comeback_p90_s: {back[int(0.9 * (len(back) - 1))]:.2f}")
        print(f"comeback_max_s: {back[-1]:.2f}")


if __name__ == "__main__":
    main()
