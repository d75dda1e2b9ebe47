"""ex07: TicketConsumer accepts chat.v1 with a known ticket offered as a subprotocol, never echoing the ticket."""

import asyncio

import pytest
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, InvalidStatus

ADA, GRACE = "ticket.7f3a9c", "ticket.e1b2d4"


@pytest.fixture(scope="module")
def consumer(submission):
    return submission("ex07_subprotocol_gate.py").TicketConsumer


async def handshake(consumer, offered):
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/chat/", subprotocols=offered)
    try:
        # connect() alone would report a crashed consumer only after its whole timeout
        connecting = asyncio.ensure_future(client.connect(timeout=5))
        await asyncio.wait([connecting, client.future], return_when=asyncio.FIRST_COMPLETED)
        if not connecting.done() and client.future.exception() is not None:
            connecting.cancel()
            client.future.result()  # raises what the consumer raised
        return client, await connecting
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - reported as the learner's bug
        pytest.fail(f"offered {offered}: the consumer raised {type(error).__name__}: {error}", pytrace=False)


@pytest.mark.parametrize("offered", [["chat.v1", ADA], [ADA, "chat.v1"], ["json", GRACE, "chat.v1"]])
async def test_a_known_ticket_is_accepted_with_chat_v1(consumer, offered):
    """chat.v1 with a known ticket, in any order, is accepted with the subprotocol chat.v1"""
    client, got = await handshake(consumer, offered)
    await client.disconnect()
    if got[0] and got[1] and got[1].startswith("ticket."):
        pytest.fail(f"offered {offered}: the consumer accepted with the ticket {got[1]!r} as its subprotocol: "
                    "that echoes the ticket back in the response header; choose chat.v1", pytrace=False)
    assert got == (True, "chat.v1"), (f"offered {offered}: expected (True, 'chat.v1') (chat.v1 and a known ticket, "
                                      f"in any order), got {got!r}")


@pytest.mark.parametrize("offered", [[], ["chat.v1"], [ADA], ["chat.v2", ADA], ["chat.v1", "ticket.nope"],
                                     ["chat.v1", "ticket.7F3A9C"], ["chat.v1", "ticket.7f3a9c0"],
                                     ["chat.v1", "ticket.7f3a"], ["chat.v1", "7f3a9c"],
                                     ["chat.v1", "ticket.7f3a9c.extra"]],
                         ids=["nothing", "no ticket", "no chat.v1", "chat.v2", "unknown ticket", "other case",
                              "longer ticket", "prefix of a ticket", "no ticket. prefix", "a suffix after a dot"])
async def test_anything_else_is_refused_before_accepting(consumer, offered):
    """Without chat.v1 and an exactly spelled known ticket the connection is refused before accepting"""
    client, got = await handshake(consumer, offered)
    if got[0]:
        await client.disconnect()
        pytest.fail(f"offered {offered}: expected a refusal (close before accept), but it was accepted "
                    f"with {got[1]!r}", pytrace=False)


async def test_refusing_means_closing_before_accept(consumer):
    """A refusal sends no websocket.accept at all (accepting, then closing, is not a refusal)"""
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/chat/", subprotocols=["chat.v1", "ticket.nope"])
    await client.send_input({"type": "websocket.connect"})
    first = await client.receive_output(timeout=1)
    await client.disconnect()
    assert first.get("type") == "websocket.close", (
        f"expected websocket.close as the first message, got {first!r}: close before accept to refuse")


async def test_text_is_answered_in_the_users_name(consumer):
    """Each text frame is answered with "<user>: <text>" for the ticket's user"""
    for offered, want in ((["chat.v1", ADA], "ada: hi"), ([GRACE, "chat.v1"], "grace: hi")):
        client, got = await handshake(consumer, offered)
        assert got[0], f"offered {offered}: expected to be accepted"
        await client.send_to(text_data="hi")
        answer = await client.receive_from()
        await client.disconnect()
        assert answer == want, f"offered {offered}, sent 'hi': expected {want!r}, got {answer!r}"


async def test_a_real_client_through_daphne(serve_submission):
    """Through daphne, a real client with a ticket gets chat.v1 and its answers; a bad ticket gets HTTP 403"""
    with serve_submission("ex07_subprotocol_gate", "submitted.TicketConsumer.as_asgi()") as server:
        try:
            async with connect(server.ws_url("/ws/chat/"), subprotocols=["chat.v1", ADA], open_timeout=5) as ws:
                assert ws.subprotocol == "chat.v1", f"expected the subprotocol chat.v1, got {ws.subprotocol!r}"
                await ws.send("hello")
                answer = await asyncio.wait_for(ws.recv(), 5)
                assert answer == "ada: hello", f"expected 'ada: hello', got {answer!r}"
        except InvalidStatus as refused:
            pytest.fail(f"a client with chat.v1 and a known ticket was refused with HTTP "
                        f"{refused.response.status_code}", pytrace=False)
        except InvalidHandshake as error:
            pytest.fail(f"the real client rejected the handshake: {error}", pytrace=False)
        with pytest.raises(InvalidStatus) as refused:
            async with connect(server.ws_url("/ws/chat/"), subprotocols=["chat.v1", "ticket.nope"], open_timeout=5):
                pass
        assert refused.value.response.status_code == 403, \
            f"expected HTTP 403 for an unknown ticket, got {refused.value.response.status_code}"
