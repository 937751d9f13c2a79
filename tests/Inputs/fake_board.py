"""A misbehaving board on a pseudo-terminal, for the host's refusals.

    fake_board.py MODE

prints the terminal's path and answers the host link's frames until killed:
  version  Identify reports protocol version 99
  silent   never answers
  garbage  answers every frame with bytes that are not a valid reply
"""
import os
import sys
import tty

POLY = 0x82F63B78


def crc32c(data):
    reg = 0xFFFFFFFF
    for byte in data:
        reg ^= byte
        for _ in range(8):
            reg = (reg >> 1) ^ (POLY if reg & 1 else 0)
    return reg ^ 0xFFFFFFFF


def cobs(data):
    out, group = bytearray(), bytearray()
    for byte in data:
        if byte == 0:
            out += bytes([len(group) + 1]) + group
            group = bytearray()
            continue
        group.append(byte)
        if len(group) == 254:
            out += bytes([255]) + group
            group = bytearray()
    return bytes(out + bytes([len(group) + 1]) + group) + b"\0"


def uncobs(data):
    out, i = bytearray(), 0
    while i < len(data):
        code = data[i]
        out += data[i + 1:i + code]
        i += code
        if code != 255 and i < len(data):
            out.append(0)
    return bytes(out)


mode = sys.argv[1]
master, slave = os.openpty()
tty.setraw(slave)
print(os.ttyname(slave), flush=True)
pending = b""
while True:
    pending += os.read(master, 4096)
    while b"\0" in pending:
        frame, pending = pending.split(b"\0", 1)
        request = uncobs(frame)
        if len(request) < 6 or mode == "silent":
            continue
        if mode == "garbage":
            os.write(master, b"\x07\x01\x02\x03\x04\x05\x06\x00")
            continue
        words = [0x534E4E43, 99, 12000000, 4, 1024]
        payload = b"".join(w.to_bytes(4, "little") for w in words)
        reply = bytes([request[0], request[1], 0, 0, 0]) + payload
        os.write(master, cobs(reply + crc32c(reply).to_bytes(4, "little")))
