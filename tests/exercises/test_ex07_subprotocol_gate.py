"""ex07: GatekeeperConsumer accepts chat.v2 or chat.v1 (best first) and refuses anything else."""

import asyncio

import pytest
from channels.testing import WebsocketCommunicator


@pytest.fixture(scope="module")
def consumer(submission):
    return submission("ex07_subprotocol_gate.py").GatekeeperConsumer


async def handshake(consumer, offered):
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/gate/", subprotocols=offered)
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


@pytest.mark.parametrize("offered", [["chat.v1"], ["mqtt", "chat.v1"]])
async def test_accepts_chat_v1_when_that_is_the_best_offer(consumer, offered):
    """A client offering chat.v1 (and not chat.v2) is accepted with chat.v1"""
    client, got = await handshake(consumer, offered)
    assert got == (True, "chat.v1"), f"offered {offered}: expected (True, 'chat.v1'), got {got!r}"
    await client.disconnect()


@pytest.mark.parametrize("offered", [["chat.v2"], ["chat.v1", "chat.v2"], ["chat.v2", "chat.v1"]])
async def test_prefers_chat_v2_whatever_the_clients_order(consumer, offered):
    """chat.v2 is chosen whenever it is offered, even when the client lists chat.v1 first"""
    client, got = await handshake(consumer, offered)
    assert got == (True, "chat.v2"), f"offered {offered}: expected (True, 'chat.v2'), got {got!r}"
    await client.disconnect()


@pytest.mark.parametrize("offered", [[], ["mqtt"], ["chat.v3", "CHAT.V1"]], ids=["nothing", "mqtt", "near-misses"])
async def test_refuses_other_offers_before_accepting(consumer, offered):
    """A client offering neither chat.v1 nor chat.v2 is refused (closed before accept: HTTP 403)"""
    client, got = await handshake(consumer, offered)
    assert got[0] is False, f"offered {offered}: expected the connection to be refused, got {got!r}"


async def test_answers_text_with_the_chosen_subprotocol(consumer):
    """Each text frame is answered with "<subprotocol>: <text>\""""
    for offered, want in ((["chat.v1"], "chat.v1: hi"), (["chat.v1", "chat.v2"], "chat.v2: hi")):
        client, _ = await handshake(consumer, offered)
        await client.send_to(text_data="hi")
        got = await client.receive_from()
        assert got == want, f"offered {offered}, sent 'hi': expected {want!r}, got {got!r}"
        await client.disconnect()
