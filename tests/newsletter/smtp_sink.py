"""A local SMTP sink in its own process, for the newsletter's restart test and benchmark.

    python -m tests.newsletter.smtp_sink PORT LOG [KILL_FILE]

Accepts every message (aiosmtpd) and appends one line per recipient to LOG:
"<recipient>\\t<subject>\\t<Message-ID>\\t<To header>\\n", flushed at once, so another
process can count what arrived.

KILL_FILE, when it exists and holds "<pid> <n>", kills process <pid> with SIGKILL when the
message after the n-th one this sink logged arrives — while that worker waits for the
answer to its DATA — and refuses that message (it is not logged), then deletes the file. So
a worker dies in the middle of a batch at a chosen point, without the race of a kill from
outside (which could land between the server's "250 OK" and the worker's commit: the one
window the design leaves for a duplicate, newsletter/services/sending.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any


class Sink:
    def __init__(self, log: Path, kill_file: Path | None) -> None:
        self.log = log.open("a", encoding="utf-8", buffering=1)
        self.kill_file = kill_file
        self.count = sum(1 for _ in log.open(encoding="utf-8"))
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            if self.kill_file is not None and self.kill_file.exists():
                pid, at = (int(x) for x in self.kill_file.read_text().split())
                if self.count >= at:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    self.kill_file.unlink()
                    return "451 4.3.0 the worker was killed"
            # Only the headers, and the subject decoded: a full parse would make the sink,
            # not the worker, the bottleneck of the benchmark.
            headers = BytesHeaderParser(policy=policy.compat32).parsebytes(envelope.content)
            subject = " ".join(str(make_header(decode_header(headers["Subject"] or ""))).split())
            fields = [subject, headers["Message-ID"] or "", headers["To"] or ""]
            tail = "\t".join(" ".join(str(f).split()) for f in fields)
            for rcpt in envelope.rcpt_tos:
                self.log.write(f"{rcpt}\t{tail}\n")
            self.count += 1
        return "250 Message accepted for delivery"


def main() -> None:
    from aiosmtpd.controller import Controller

    port = int(sys.argv[1])
    log = Path(sys.argv[2])
    log.touch()
    kill_file = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    controller = Controller(Sink(log, kill_file), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
