"""`%%lesson` cells: what a cell defines, the kernel runs and a real daphne serves, edits included."""

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from channels_lab import lesson, run_daphne

IMPORTS = """
from channels.generic.websocket import WebsocketConsumer
from channels.routing import URLRouter
from django.urls import path
"""
ECHO = """
class EchoConsumer(WebsocketConsumer):
    def connect(self):
        self.accept()

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=PREFIX + text_data)
"""
ROUTES = 'PREFIX = "v1:"\n\napplication = URLRouter([path("ws/echo/", EchoConsumer.as_asgi())])\n'


@pytest.fixture
def lessons():
    with lesson.Lessons() as made:
        lesson.use(made)
        for part in (IMPORTS, ECHO, ROUTES):
            made.add(part)
        yield made
    lesson.use(None)


def test_parts_are_known_by_the_names_they_define():
    assert lesson.defined_names(ROUTES) == {"PREFIX", "application"}
    assert lesson.defined_names("import json\n" + ECHO) == {"EchoConsumer"}
    assert lesson.defined_names(IMPORTS) == {("import", frozenset({"WebsocketConsumer", "URLRouter", "path"}))}


def test_two_parts_that_import_the_same_module_stay_apart(lessons):
    lessons.add("import json\n\ndef first():\n    return json.dumps(1)\n")
    lessons.add("import json\n\ndef second():\n    return json.dumps(2)\n")
    module = lessons.modules["lesson"].module
    assert (module.first(), module.second()) == ("1", "2")


def test_folders_of_dead_kernels_are_removed():
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = Path(tempfile.gettempdir()) / f"{lesson.FOLDER_PREFIX}{dead.stdout.strip()}-test"
    orphan.mkdir()
    with lesson.Lessons():
        assert not orphan.exists()


def test_rerunning_a_part_replaces_it_in_place(lessons):
    module = lessons.add(ROUTES.replace("v1:", "v2:"))
    assert module.PREFIX == "v2:"
    assert lessons.modules["lesson"].source.count("PREFIX =") == 1
    assert lessons.modules["lesson"].path.read_text().index("class EchoConsumer") < \
        lessons.modules["lesson"].path.read_text().index("PREFIX =")


def test_a_failing_part_changes_nothing(lessons):
    saved = lessons.modules["lesson"].path.read_text()
    with pytest.raises(NameError):
        lessons.add("application = NoSuchConsumer.as_asgi()\n")
    with pytest.raises(SyntaxError):
        lessons.add("class Broken(:\n")
    assert lessons.modules["lesson"].path.read_text() == saved
    assert lessons.modules["lesson"].module.PREFIX == "v1:"


async def test_daphne_serves_the_edited_code_on_the_next_connection(lessons):
    with run_daphne("lesson:application") as server:
        async with connect(server.ws_url("/ws/echo/")) as client:
            await client.send("hi")
            assert await client.recv() == "v1:hi"
            lessons.add(ECHO.replace("        self.accept()\n", "        self.close()  # refuse, instead of accept()\n"))
            await client.send("again")  # an open connection keeps the code it started with
            assert await client.recv() == "v1:again"
        with pytest.raises(InvalidStatus) as refused:
            async with connect(server.ws_url("/ws/echo/")):
                pass
        assert refused.value.response.status_code == 403


def test_from_notebook_needs_one_matching_source():
    with pytest.raises(LookupError):
        lesson.from_notebook("99")


def test_the_folder_is_removed():
    made = lesson.Lessons()
    made.add(IMPORTS)
    folder = made.folder
    made.remove()
    assert not folder.exists()


@pytest.mark.parametrize("script", __import__("channels_lab.notebooks", fromlist=["scripts"]).scripts(),
                         ids=lambda p: p.stem[:2])
def test_the_fast_reader_agrees_with_jupytext(script):
    import jupytext

    expected = []
    for cell in jupytext.read(script).cells:
        first, _, rest = cell.source.partition("\n")
        if cell.cell_type == "code" and first.split(" ")[0] == lesson.MAGIC:
            expected.append((first[len(lesson.MAGIC):].strip() or lesson.DEFAULT_MODULE, rest.strip("\n")))
    assert lesson.cells_of(script) == expected
