"""ex06: build_application() -> ProtocolTypeRouter with a URLRouter and a ChannelNameRouter."""

import asyncio

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from channels.worker import Worker


@pytest.fixture(scope="module")
def ex06(submission):
    return submission("ex06_worker_routing.py")


async def test_websocket_on_ws_jobs_is_accepted(ex06):
    """A WebSocket on /ws/jobs/ reaches JobConsumer and is accepted"""
    client = WebsocketCommunicator(ex06.build_application(), "/ws/jobs/")
    try:
        accepted, _ = await client.connect(timeout=1)
    except (ValueError, TypeError) as error:
        pytest.fail(f"expected /ws/jobs/ to be accepted, got {type(error).__name__}: {error} (patterns in a "
                    "URLRouter have no leading slash; the app for a route is what .as_asgi() returns)", pytrace=False)
    assert accepted, "expected /ws/jobs/ to be accepted, got a close"
    await client.disconnect()


async def test_jobs_channel_reaches_the_worker(ex06):
    """A message on the channel "jobs" reaches JobWorker, which answers on reply_to"""
    layer = get_channel_layer()
    reply_to = await layer.new_channel()
    worker = ApplicationCommunicator(ex06.build_application(), {"type": "channel", "channel": "jobs"})
    try:
        await worker.send_input({"type": "job.run", "text": "resize", "reply_to": reply_to})
        try:
            answer = await asyncio.wait_for(layer.receive(reply_to), 1)
        except TimeoutError:
            await worker.wait(0.1)  # raises the application's own error, if it had one
            pytest.fail("expected JobWorker to answer on reply_to, got nothing within 1 s", pytrace=False)
        want = {"type": "job.done", "result": "RESIZE"}
        assert answer == want, f"expected {want!r}, got {answer!r}"
    except ValueError as error:
        pytest.fail(f"expected a route for the channel 'jobs', got ValueError: {error}", pytrace=False)
    except TypeError as error:
        pytest.fail(f"the channel 'jobs' reached something that is not an ASGI application ({error}): a "
                    "consumer class becomes one with .as_asgi()", pytrace=False)
    finally:
        worker.stop(exceptions=False)


async def test_other_channels_are_refused(ex06):
    """A message on another channel name finds no worker"""
    other = ApplicationCommunicator(ex06.build_application(), {"type": "channel", "channel": "emails"})
    await other.send_input({"type": "job.run", "text": "x", "reply_to": "nowhere"})
    try:
        await other.wait(1)
    except ValueError:
        return
    except Exception:  # noqa: BLE001 - anything else means something took the message
        pass
    finally:
        other.stop(exceptions=False)
    pytest.fail("a message on the channel 'emails' reached an application: route channel messages through a "
                "ChannelNameRouter that lists only 'jobs'", pytrace=False)


@pytest.mark.parametrize("url", ["/ws/other/", "/ws/jobs/extra/", "/jobs/"])
async def test_other_websocket_paths_find_no_route(ex06, url):
    """Only /ws/jobs/ reaches JobConsumer: other WebSocket paths find no route"""
    client = WebsocketCommunicator(ex06.build_application(), url)
    try:
        accepted, _ = await client.connect(timeout=1)
    except ValueError:
        return  # URLRouter's "No route found for path ..."
    await client.disconnect()
    pytest.fail(f"a WebSocket on {url} was {'accepted' if accepted else 'answered'}: route websocket "
                "connections through a URLRouter that lists only ws/jobs/", pytrace=False)


async def test_client_gets_the_workers_answer(ex06):
    """With a Worker running, "hello" sent on /ws/jobs/ comes back as "HELLO" """
    application = ex06.build_application()
    worker = Worker(application=application, channels=["jobs"], channel_layer=get_channel_layer())
    listening = asyncio.create_task(worker.listener("jobs"))
    client = WebsocketCommunicator(application, "/ws/jobs/")
    try:
        accepted, _ = await client.connect(timeout=1)
        assert accepted, "expected /ws/jobs/ to be accepted"
        await client.send_to(text_data="hello")
        try:
            got = await client.receive_from(timeout=2)
        except TimeoutError:
            pytest.fail("expected 'HELLO' from the worker, got nothing within 2 s", pytrace=False)
        assert got == "HELLO", f"expected 'HELLO', got {got!r}"
        await client.disconnect()
    finally:
        listening.cancel()
        for scope_id in list(worker.application_instances):
            worker.delete_application_instance(scope_id)
        await asyncio.gather(listening, return_exceptions=True)
