"""Prints N ports (default 1) free on 127.0.0.1 for both TCP and UDP, space-separated.

Usage: python3 scripts/lib/free_ports.py [N]
"""
import socket
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 1
held, ports = [], []
while len(ports) < count:
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    port = tcp.getsockname()[1]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        udp.bind(("127.0.0.1", port))
    except OSError:
        tcp.close()
        continue
    # Held until all are chosen, so the same port is not handed out twice.
    held += [tcp, udp]
    ports.append(port)
print(*ports)
