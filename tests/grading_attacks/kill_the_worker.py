"""It kills the process that forked it (the grader's warm worker), hoping to take the other runs down with it.

score: 0
"""
import os
import signal

os.kill(os.getppid(), signal.SIGKILL)


def handshake_response(headers):
    raise NotImplementedError("this submission only attacks the grader")
