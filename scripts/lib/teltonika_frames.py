"""Teltonika Codec 8 over TCP, as test and benchmark tools speak it: login and AVL frames."""
import struct


def crc16_ibm(data):
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def teltonika_login(imei):
    return struct.pack(">H", len(imei)) + imei.encode()


def teltonika_frame(records):
    """Codec 8 AVL frame; records are (ms, lat, lon, speed)."""
    body = bytes([0x08, len(records)])
    for ms, lat, lon, speed in records:
        body += struct.pack(">QBiiHHBHBBBBBB", ms, 0, int(round(lon * 1e7)), int(round(lat * 1e7)), 100, 90, 9, speed,
                            0, 0, 0, 0, 0, 0)
    body += bytes([len(records)])
    return b"\x00\x00\x00\x00" + struct.pack(">I", len(body)) + body + struct.pack(">I", crc16_ibm(body))
