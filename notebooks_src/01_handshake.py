# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · What happens in a WebSocket handshake?
#
# A WebSocket starts life as an ordinary HTTP/1.1 request that asks the server to *upgrade*
# the TCP connection. If the server agrees (status `101 Switching Protocols`), both sides stop
# speaking HTTP and exchange small binary **frames** in either direction until one of them
# sends a close frame. This notebook does all of it by hand over a raw socket, against a real
# daphne, then lets the `websockets` library do the same.
#
# The origin article says the handshake "is still HTTP" and stops there; here we look at the bytes.

# %%
import base64
import contextlib
import hashlib
import inspect
import socket
import struct

from channels_lab import check, run_daphne, setup_django

setup_django()
print("Django is set up; %%lesson cells are enabled")

# %% [markdown]
# `setup_django()` configured the demo project's settings and enabled `%%lesson` cells: a cell
# that starts with `%%lesson` runs here *and* becomes part of a module named `lesson` that a
# real daphne can serve. The next three cells are that module: the server we will talk to.

# %%
# %%lesson
from channels.generic.websocket import WebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

# %% [markdown]
# The lesson module's imports: a consumer base class, and the two routers notebook 03 explains.

# %%
# %%lesson
class EchoConsumer(WebsocketConsumer):
    """Sends every frame straight back."""

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=text_data, bytes_data=bytes_data)

# %% [markdown]
# `EchoConsumer` accepts every connection (the base class's `connect()` does) and sends each
# text or binary frame back as it came.

# %%
# %%lesson
class CloseConsumer(WebsocketConsumer):
    """Closes the way it is told: ``close <code>``, or ``crash`` for an unhandled error."""

    def receive(self, text_data=None, bytes_data=None):
        if text_data == "crash":
            raise RuntimeError("the consumer crashed on purpose")
        command, _, code = (text_data or "").partition(" ")
        if command == "close" and code.isdigit():
            self.close(code=int(code))
        else:
            self.send(text_data="send 'close <code>' or 'crash'")

# %% [markdown]
# `CloseConsumer` closes with whatever code the client names (`close 4001`), or raises on
# `crash`, so we can watch how each way of ending looks on the wire.

# %%
# %%lesson
application = ProtocolTypeRouter(
    {
        "websocket": URLRouter(
            [
                path("ws/echo/", EchoConsumer.as_asgi()),
                path("ws/close/", CloseConsumer.as_asgi()),
            ]
        ),
    }
)

# %% [markdown]
# `application` sends WebSockets on `/ws/echo/` to the echo and `/ws/close/` to the closer.
# It checks no `Origin`, so a hand-written handshake stays short (notebook 09 adds the check).

# %%
servers = contextlib.ExitStack()
server = servers.enter_context(run_daphne("lesson:application"))
print("daphne serves lesson:application on", server.url)

# %% [markdown]
# daphne now serves the module those cells made. `run_daphne()` used as a context manager stops
# daphne when its block ends; we want one server for the whole notebook, so a
# `contextlib.ExitStack` holds it open until the last section calls `servers.close()`.

# %% [markdown]
# ## The upgrade request, typed by hand
#
# The client sends a `GET` with five headers that matter: `Host` (required of every HTTP/1.1
# request, and RFC 6455 §4.1 lists it first), `Upgrade: websocket`, `Connection: Upgrade`,
# `Sec-WebSocket-Version: 13` and `Sec-WebSocket-Key`, 16 random bytes in base64. We use the
# sample key printed in RFC 6455 so that the answer is predictable.

# %%
def read_until_blank_line(sock):
    """Read an HTTP head: everything up to and including the empty line."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


CLIENT_KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455, section 1.3
request = (
    "GET /ws/echo/ HTTP/1.1\r\n"
    f"Host: 127.0.0.1:{server.port}\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    f"Sec-WebSocket-Key: {CLIENT_KEY}\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n"
)
sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
sock.sendall(request.encode("ascii"))
response = read_until_blank_line(sock).decode("ascii")
print(response)

# %% [markdown]
# daphne answered `101 Switching Protocols`: from now on this TCP connection carries WebSocket
# frames, not HTTP. The one header that proves the server understood is `Sec-WebSocket-Accept`.
# The same request without its `Host` line:

# %%
without_host = "".join(line + "\r\n" for line in request.split("\r\n") if line and not line.startswith("Host:")) + "\r\n"
with socket.create_connection(("127.0.0.1", server.port), timeout=5) as no_host:
    no_host.sendall(without_host.encode("ascii"))
    print(read_until_blank_line(no_host).decode("ascii").strip())

# %% [markdown]
# autobahn, the WebSocket library inside daphne, refuses the handshake with `400` before the
# application hears of it: `Host` is one of the headers that matter.

# %% [markdown]
# ## Where `Sec-WebSocket-Accept` comes from
#
# The server appends a fixed GUID to the client's key, hashes it with SHA-1 and base64-encodes
# the 20-byte digest. Nothing secret is involved: it only proves the server read *this* request
# as a WebSocket handshake (a plain HTTP server or a cache could never produce it by accident).

# %%
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
expected = base64.b64encode(hashlib.sha1((CLIENT_KEY + GUID).encode("ascii")).digest()).decode("ascii")
answered = next(line.split(": ", 1)[1] for line in response.splitlines()
                if line.lower().startswith("sec-websocket-accept:"))
print("we computed:   ", expected)
print("daphne answered:", answered)
print("match:", expected == answered)

# %% [markdown]
# The two values agree, and equal the RFC's own example answer `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`.
# A client that gets any other value must fail the connection. Exercise ex01 builds on it: a
# server that first checks a request really is a WebSocket handshake.

# %% [markdown]
# ## A frame by hand
#
# Every frame starts with two bytes. RFC 6455 §5.2 draws them as bits 0–15 numbered from the
# left, so bit 0 is the most significant bit of byte 0 (mask `0x80`):
#
# | RFC bits | byte, mask | meaning |
# |---|---|---|
# | 0 | byte 0, `0x80` | **FIN**: this is the last frame of the message |
# | 1, 2, 3 | byte 0, `0x40` `0x20` `0x10` | **RSV1–3**: 0 unless an extension gives them a meaning (permessage-deflate sets RSV1 on a compressed message) |
# | 4–7 | byte 0, `0x0F` | **opcode**: `0x1` text, `0x2` binary, `0x8` close, `0x9` ping, `0xA` pong |
# | 8 | byte 1, `0x80` | **MASK**: a 4-byte masking key follows the length |
# | 9–15 | byte 1, `0x7F` | **payload length**: 0–125, or 126 / 127 meaning "read 2 / 8 more bytes" |
#
# A client must mask every frame it sends: each payload byte is XOR-ed with the key, byte `i`
# with `key[i % 4]`. We pick a fixed key so the bytes printed here stay the same on every run;
# a real client draws a fresh random key for every frame.

# %%
def masked_text_frame(text, mask_key):
    """A final text frame from a client (only the short length form, for now)."""
    payload = text.encode("utf-8")
    assert len(payload) <= 125
    masked = bytes(byte ^ mask_key[i % 4] for i, byte in enumerate(payload))
    return bytes([0x80 | 0x1, 0x80 | len(payload)]) + mask_key + masked


frame = masked_text_frame("hello", b"\x01\x02\x03\x04")
print("frame on the wire:", frame.hex(" "))
sock.sendall(frame)

# %% [markdown]
# `81` is FIN plus opcode 1 (text), `85` is the mask bit plus length 5, then the key
# `01 02 03 04` and five scrambled bytes. Byte 0 taken apart bit by bit, next to `C1`, the first
# byte of a compressed text frame:

# %%
def first_byte(byte):
    """Byte 0 of a frame: RFC 6455 bits 0-3 (FIN, RSV1-3) and the opcode (bits 4-7)."""
    flags = {name: bool(byte & mask) for name, mask in
             [("FIN", 0x80), ("RSV1", 0x40), ("RSV2", 0x20), ("RSV3", 0x10)]}
    return {**flags, "opcode": byte & 0x0F}


for byte in (0x81, 0xC1):
    print(f"{byte:02x} = {byte:08b} ->", first_byte(byte))

# %% [markdown]
# Read left to right, `1000 0001` is FIN, three zero RSV bits and opcode 1; `1100 0001` has RSV1
# set as well. Note that `byte & 0x80` is the number 128, not `True`: `bool()` makes it a flag.
# Now the echo of our frame comes back.

# %%
def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError(f"the server closed the TCP connection after {len(data)} of {n} bytes")
        data += chunk
    return data


def read_frame(sock):
    """Read one frame from the server; return (header bytes, fin, opcode, payload)."""
    head = recv_exactly(sock, 2)
    fin, opcode, masked, length = head[0] >> 7, head[0] & 0x0F, head[1] >> 7, head[1] & 0x7F
    assert not masked, "servers never mask"
    assert head[0] & 0x70 == 0, "RSV1-3 set, but we negotiated no extension"
    extra = {126: 2, 127: 8}.get(length, 0)
    if extra:
        more = recv_exactly(sock, extra)
        head, length = head + more, int.from_bytes(more, "big")
    return head, fin, opcode, recv_exactly(sock, length)


head, fin, opcode, payload = read_frame(sock)
print("header:", head.hex(" "), "| fin:", fin, "| opcode:", opcode, "| payload:", payload)

# %% [markdown]
# The reply is `81 05` followed by the plain text: FIN, text, length 5, and **no mask bit**.
# Servers never mask; only clients do. `read_frame` also checks the RSV bits are 0.
#
# Does the echo send back *every* frame? Send an empty text frame, then one holding `x`:

# %%
sock.sendall(masked_text_frame("", b"\x01\x02\x03\x04"))
sock.sendall(masked_text_frame("x", b"\x01\x02\x03\x04"))
head, fin, opcode, payload = read_frame(sock)
print("first reply:", head.hex(" "), payload)

# %% [markdown]
# The first reply is the echo of `x`: the empty frame got none. The consumer did call
# `send(text_data="")`, but daphne puts a `websocket.send` on the wire only if its `text` (or
# `bytes`) is truthy, and `""` is not (notebook 00 shows the consumer's side).

# %% [markdown]
# ## Why clients mask
#
# Browsers let any web page open a WebSocket. Without masking, a hostile page could choose the
# exact bytes on the wire, for instance bytes that look like an HTTP request to a proxy that
# does not understand WebSockets, and poison that proxy's cache. With a fresh random key per
# frame, the page no longer controls the bytes. The same text under two keys:

# %%
for key in (b"\x01\x02\x03\x04", b"\xa0\xb1\xc2\xd3"):
    print(key.hex(), "->", masked_text_frame("GET /", key)[6:].hex(" "))

# %% [markdown]
# The same five characters become different bytes under each key, so the wire never carries the
# text a script chose. (Masking is not encryption: the key travels in the clear. Use `wss://`.)

# %% [markdown]
# ## The three payload-length forms
#
# Up to 125 bytes the length fits in byte 1. For 126–65535 bytes byte 1 says `126` and the next
# two bytes hold the length; above that it says `127` and eight bytes follow. We send 200 and
# 70 000 characters and read the headers of the echoes.

# %%
def masked_frame_any_length(payload, mask_key, opcode=0x1):
    """A final client frame in whichever of the three length forms fits."""
    n = len(payload)
    if n <= 125:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    return head + mask_key + bytes(b ^ mask_key[i % 4] for i, b in enumerate(payload))


for size in (5, 200, 70_000):
    sock.sendall(masked_frame_any_length(b"x" * size, b"\x01\x02\x03\x04"))
    head, fin, opcode, payload = read_frame(sock)
    print(f"sent {size:>6} bytes -> reply header {head.hex(' '):<29} payload {len(payload)} bytes")

# %% [markdown]
# Each echo uses the same form the length needs: `05` directly, `7e` (126) then `00 c8` (200),
# `7f` (127) then eight bytes ending in `01 11 70` (70 000). Exercise ex02 reads frames the
# other way, many at once.

# %% [markdown]
# ## Closing: a close frame carries a code
#
# A close frame (opcode `0x8`) may carry a two-byte status code and, after it, a reason; the
# body is optional (RFC 6455 §5.5.1), and a close without one means "no status code". The side
# that receives a close answers with its own close frame, and the server then closes TCP.

# %%
sock.sendall(masked_frame_any_length(struct.pack("!H", 1000), b"\x01\x02\x03\x04", opcode=0x8))
head, fin, opcode, payload = read_frame(sock)
print("reply opcode:", opcode, "| close code:", struct.unpack("!H", payload[:2])[0])
print("then TCP says:", sock.recv(10) or "end of stream")
sock.close()

# %% [markdown]
# We sent close 1000 ("normal closure"); daphne answered with its own close frame, code 1000,
# and then ended the TCP stream (`recv` returned nothing). A close frame with no body at all is
# just as valid:

# %%
sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
sock.sendall(request.encode("ascii"))
read_until_blank_line(sock)
sock.sendall(masked_frame_any_length(b"", b"\x01\x02\x03\x04", opcode=0x8))
head, fin, opcode, payload = read_frame(sock)
print("we sent:", masked_frame_any_length(b"", b"\x01\x02\x03\x04", opcode=0x8)[:2].hex(" "),
      "| reply opcode:", opcode, "| close code:", struct.unpack("!H", payload)[0])
sock.close()

# %% [markdown]
# `88 80`: close, masked, length 0. daphne accepted it and answered with a close frame of its own
# carrying 1000.

# %% [markdown]
# ## Pitfall: an unmasked client frame
#
# What if a client forgets to mask? RFC 6455 says the server must fail the connection. We
# handshake again and send the same "hello" without the mask bit.

# %%
def open_raw_websocket(path):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(request.replace("/ws/echo/", path).encode("ascii"))
    assert read_until_blank_line(sock).startswith(b"HTTP/1.1 101")
    return sock


sock = open_raw_websocket("/ws/echo/")
sock.sendall(b"\x81\x05hello")  # FIN + text, length 5, mask bit NOT set
try:
    got = sock.recv(100)
except ConnectionResetError:
    got = b""
sock.close()
print("close frame received:", got[:1] == b"\x88")
print("TCP connection dropped without an answer:", got == b"")

# %% [markdown]
# daphne did not echo, and did not even send a close frame: it dropped the TCP connection.
# A client that sees TCP end without a close frame reports **1006** (abnormal closure); that
# code is never sent on the wire, it only describes what happened. A frame with RSV1 set, on a
# connection that negotiated no extension, is a protocol error too:

# %%
sock = open_raw_websocket("/ws/echo/")
sock.sendall(bytes([0xC1]) + masked_text_frame("hello", b"\x01\x02\x03\x04")[1:])  # RSV1 + FIN + text
try:
    got = sock.recv(100)
except ConnectionResetError:
    got = b""
sock.close()
print("TCP connection dropped without an answer:", got == b"")

# %% [markdown]
# Dropped again, with no close frame. RFC 6455 §7.1.7 says a side that must "fail the WebSocket
# connection" *should* first send a close frame (here 1002, protocol error), but it need not,
# and autobahn chooses by its option `failByDrop`:

# %%
from autobahn.websocket.protocol import WebSocketServerFactory
from daphne.server import Server

autobahn_default = [line.strip() for line in inspect.getsource(WebSocketServerFactory.resetProtocolOptions).splitlines()
                    if "failByDrop" in line]
daphne_options = inspect.getsource(Server.run).split("setProtocolOptions(", 1)[1].split(")", 1)[0]
print("autobahn's server default:", *autobahn_default)
print("daphne's setProtocolOptions sets failByDrop:", "failByDrop" in daphne_options)

# %% [markdown]
# autobahn's server factory defaults to `failByDrop = True` and daphne leaves it alone, so every
# protocol error (unmasked frame, stray RSV bit, invalid UTF-8, an over-size message) ends in a
# dropped TCP connection, and the client reports 1006.

# %% [markdown]
# ## The same exchange with the `websockets` library
#
# A real client library does all of the above for you: key, accept check, masking with random
# keys, the length forms, the close handshake. Its `state` follows the same four steps as the
# browser's `WebSocket.readyState`, with the same numbers.

# %%
from websockets.asyncio.client import connect
from websockets.protocol import State

print("states:", [(state.name, state.value) for state in State])

async with connect(server.ws_url("/ws/echo/")) as websocket:
    print("after the handshake:", websocket.state.name)
    await websocket.send("hello again")
    print("echo:", await websocket.recv())
print("after the close handshake:", websocket.state.name, "| close code:", websocket.close_code)

# %% [markdown]
# `CONNECTING` (0) while the upgrade request is in flight, `OPEN` (1) after the `101`, `CLOSING`
# (2) once a close frame has been sent, `CLOSED` (3) when TCP is gone. In a browser these are
# `WebSocket.CONNECTING` … `WebSocket.CLOSED`, and `onopen`, `onclose` fire at the `OPEN` and
# `CLOSED` steps.

# %% [markdown]
# ## Close codes you will meet
#
# | code | meaning | who sends it |
# |---|---|---|
# | 1000 | normal closure | either side, when done (seen above) |
# | 1001 | going away | a browser leaving the page; some servers when they shut down (not daphne: last cell) |
# | 1006 | abnormal closure: TCP ended with no close frame | never on the wire; reported locally (seen above) |
# | 1007 | invalid data (a text frame that is not UTF-8) | a client library; daphne drops TCP instead, so its client sees 1006 (notebook 05) |
# | 1008 | policy violation | a server refusing what a client sent (not daphne: see the pitfall below) |
# | 1009 | message too big | a client library whose limit was exceeded (ours, below); daphne drops TCP instead, so its client sees 1006 (below) |
# | 1011 | internal error | a server whose application crashed |
# | 4000–4999 | yours: private use by applications | your consumer, `self.close(code=4001)` |
#
# The next cell asks `/ws/close/` to close with a few codes, makes a client whose limit is
# 100 bytes receive more, and sends daphne one byte more than its limit of 1 MiB. When the
# `websockets` client sees a connection end it raises `ConnectionClosed`, which holds the close
# frame it received (`rcvd`) and the one it sent (`sent`), each `None` if there was none, and
# `rcvd_then_sent`, True when the other side's close came first.

# %%
from websockets.exceptions import ConnectionClosed


async def how_it_closes(path, message, **options):
    async with connect(server.ws_url(path), **options) as websocket:
        try:
            await websocket.send(message)
            await websocket.recv()
        except ConnectionClosed as closed:
            if closed.rcvd is None and closed.sent is None:
                return f"{websocket.close_code}, no close frame either way: TCP was dropped"
            first, who = (closed.rcvd, "server") if closed.rcvd_then_sent else (closed.sent, "client")
            return f"{first.code}, sent first by the {who}"


print("close 4001              ->", await how_it_closes("/ws/close/", "close 4001"))
print("crash                   ->", await how_it_closes("/ws/close/", "crash"))
print("200 bytes, max_size=100 ->", await how_it_closes("/ws/echo/", "x" * 200, max_size=100))
print("1 MiB + 1 byte to daphne ->", await how_it_closes("/ws/echo/", "x" * (2**20 + 1)))

# %% [markdown]
# The consumer's own code 4001 reached the client unchanged. A consumer that raised made daphne
# close with 1011. Our client, told to accept at most 100 bytes, closed with 1009 itself. But
# daphne, sent more than its `websocket_max_message_size` (1 MiB), sent no 1009: autobahn
# dropped TCP (`failByDrop`), and the client could only report 1006.

# %% [markdown]
# ## Pitfall: daphne will not send 1008 for you
#
# 1008 looks like the right answer to a client that breaks your rules, and RFC 6455 (§7.4.1)
# allows a server to send it. But daphne's WebSocket layer, autobahn, only lets an application
# close with 1000 or 3000–4999. Ask for 1008 and the close call itself fails inside daphne:

# %%
print("close 1008 ->", await how_it_closes("/ws/close/", "close 1008"))
print([line.strip() for line in server.output.splitlines() if "invalid close code" in line][-1])

# %% [markdown]
# The client got 1011, not 1008: the consumer's `close(code=1008)` raised "invalid close code",
# so daphne treated it as a crash. Use a 4000–4999 code of your own for application rules.

# %% [markdown]
# ## Stopping the server
#
# Last, we stop daphne while a client is connected. Some servers say 1001 (going away) first;
# daphne just exits, so no close frame is sent and the client sees 1006.

# %%
websocket = await connect(server.ws_url("/ws/echo/"))
servers.close()  # stops daphne
try:
    await websocket.recv()
except ConnectionClosed as closed:
    print("close frame received:", closed.rcvd is not None, "| close code:", websocket.close_code)
print("daphne still running?", server.process.poll() is None)

# %% [markdown]
# The connection ended with 1006 and no close frame, so a client must be ready to reconnect after
# a deploy. And daphne is gone: nothing is left running.

# %% [markdown]
# ## Exercises
#
# **ex01** — in `exercises/ex01_accept_key.py`, write `handshake_response(headers)`: judge a
# client's opening handshake the way a server must (RFC 6455 §4.2.1) and return `101` with the
# `Sec-WebSocket-Accept` computed above, `426` for another protocol version, or `400`. The
# file's docstring lists every rule.

# %%
check("ex01")

# %% [markdown]
# **ex02** — in `exercises/ex02_frames.py`, write `read_messages(data)`: read a whole stream of
# frames (masked or not, any length form) and return its messages, joining a message's
# fragments (RFC 6455 §5.4) and raising `ValueError` on a stream that breaks the rules, RSV bits
# included.

# %%
check("ex02")
