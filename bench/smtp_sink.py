"""A local SMTP server (aiosmtpd) in its own process that counts what it receives.

Usage: python bench/smtp_sink.py PORT COUNTFILE — writes the number of messages received (and
the number of distinct Message-IDs) to COUNTFILE when it gets SIGTERM."""

from __future__ import annotations

import re
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.I | re.M)


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.ids: set[bytes] = set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.count += 1
        found = _ID.search(envelope.original_content or envelope.content)
        if found:
            self.ids.add(found[1])
        return "250 OK"


def main() -> None:
    port, out = int(sys.argv[1]), Path(sys.argv[2])
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("ready", flush=True)
    done.wait()
    controller.stop()
    out.write_text(f"{counter.count} {len(counter.ids)}\n")


if __name__ == "__main__":
    main()
