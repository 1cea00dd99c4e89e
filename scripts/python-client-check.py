#!/usr/bin/python3
"""A client of an Earshot RPC endpoint in Python, with CURVE, as docs/PROTOCOL.md shows it.

Needs only pyzmq (Debian: python3-zmq): the few protobuf fields it uses are
encoded by hand, so no generated classes are needed.

    python-client-check.py ENDPOINT CLIENT.key SERVER.pub METHOD

Calls METHOD with an empty request and prints "status <code> <message>",
or "no answer" when nothing came back within 3 s (e.g. the key was refused
in the handshake); an Overview that succeeded also prints "posts <n>", the
posts the query service holds. Exit status 0 when an answer came.
"""
import sys
import time

import zmq


def key(path, field):
    for line in open(path):
        if line.startswith(field + " "):
            return line.split()[1].encode()
    sys.exit(f"{path}: no '{field}' line")


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number, wire_type, payload):
    tag = varint(number << 3 | wire_type)
    return tag + (varint(len(payload)) + payload if wire_type == 2 else payload)


def parse(message):
    """Top-level fields of a protobuf message: {number: value} (varints and bytes)."""
    fields, index = {}, 0
    while index < len(message):
        key_value, index = read_varint(message, index)
        number, wire_type = key_value >> 3, key_value & 7
        if wire_type == 0:
            fields[number], index = read_varint(message, index)
        elif wire_type == 2:
            length, index = read_varint(message, index)
            fields[number], index = message[index:index + length], index + length
        elif wire_type in (1, 5):  # fixed64 (double), fixed32 (float): skipped
            index += 8 if wire_type == 1 else 4
        else:
            raise ValueError(f"unexpected wire type {wire_type}")
    return fields


def read_varint(data, index):
    value, shift = 0, 0
    while True:
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, index


endpoint, client_key, server_key, method = sys.argv[1:5]
context = zmq.Context()
sock = context.socket(zmq.DEALER)
sock.linger = 0
sock.curve_secretkey = key(client_key, "secret")
sock.curve_publickey = key(client_key, "public")
sock.curve_serverkey = key(server_key, "public")
sock.connect(endpoint)

request = (field(1, 2, method.encode()) + field(2, 2, b"py-1")
           + field(3, 0, varint(int(time.time() * 1000) + 3000)))
sock.send(request)
if not sock.poll(3000):
    print("no answer")
    sys.exit(1)
response = parse(sock.recv())
print("status", response.get(2, 0), response.get(3, b"").decode())
if response.get(2, 0) == 0 and method == "earshot.v1.Query/Overview":
    print("posts", parse(response.get(4, b"")).get(1, 0))  # OverviewResponse.posts
