# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 14 · Capstone: can you build the chat service yourself?
#
# Every piece of the course's chat room has had its own notebook. Here you put them together
# in one file, `exercises/ex25_chat_service.py`, and the tests use it the way people would:
# two daphne processes share a real Redis channel layer, two users log in through Django's
# login form, two Chromium pages chat across the two servers, and a Python client joins in.
#
# | piece | where it was taught |
# |---|---|
# | a consumer that joins a group per room and relays messages | 07, 08 |
# | checking every frame, answering bad input without dying | 05 |
# | telling an anonymous user why, then closing with 4401 | 04, 09 |
# | URL routing, the session/auth middleware, the origin check | 03, 09 |
# | the page's script: dialling its own host, showing text as text | 10 |
# | several daphnes on one Redis | 07, 12 |

# %%
from channels_lab import check, setup_django
from channels_lab.capstone import PAGE, USERS, reason, serve_chat_service
from channels_lab.course import EXERCISES_DIR
from channels_lab.servers import ServerFailedToStart

setup_django()
print(PAGE)

# %% [markdown]
# That is the room page the tests serve at `/room/<name>/`: your `PAGE_SCRIPT` goes into the
# `<script>` element, and `data-room` tells it which room it is in. Django serves everything
# else over HTTP, including the login form at `/accounts/login/`.

# %% [markdown]
# ## Try yours live
#
# The next cell serves *your* file with one daphne, exactly as the tests do, and prints where
# to open it and whom to log in as. Until your module can be imported and served, it prints why
# not instead. The cell after it stops the server.

# %%
import contextlib

live = contextlib.ExitStack()
try:
    servers, users, _ = live.enter_context(serve_chat_service(EXERCISES_DIR, daphnes=1))
    print("log in at", servers[0].url + "/accounts/login/", "with one of (user, password):", sorted(users.items()))
    print("then open", servers[0].url + "/room/lobby/", "in two browser tabs")
except ServerFailedToStart as error:
    print("your module cannot be served yet:", reason(error))

# %% [markdown]
# In a fresh course the cell says which part of the stub is not written yet. Once it serves,
# open the page in two tabs (log in as `ada` in one and `grace` in a private window) and chat.

# %%
live.close()
print("stopped")

# %% [markdown]
# ## Exercise
#
# **ex25 · The chat service, end to end.** In `exercises/ex25_chat_service.py`, write
# `ChatRoomConsumer`, `websocket_application()` and `PAGE_SCRIPT` as its docstring describes.
# The check needs redis-server and Chromium; it starts two daphnes, so it takes a few seconds.

# %%
check("ex25")
