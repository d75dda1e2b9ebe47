"""Put the repository and the demo project on this interpreter's path (a .pth file in site-packages).

`make` runs it once after installing requirements, so that notebooks, tests and
subprocesses can `import channels_lab` and `import chat` from anywhere.
"""

import sysconfig
from pathlib import Path

from .servers import DEMO_PROJECT, REPO_ROOT

if __name__ == "__main__":
    pth = Path(sysconfig.get_paths()["purelib"]) / "channels_lab.pth"
    pth.write_text(f"{REPO_ROOT}\n{DEMO_PROJECT}\n")
    print(f"wrote {pth}")
