"""`make bench`: runs every benchmark in bench/ (each bench/*.py but this file, _modules and
the servers in NOT_BENCHMARKS), e.g. bench/search.py and bench/live.py.

Each benchmark prints its figures; none asserts. Needs PostgreSQL (BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/clusterhub_bench).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Servers that benchmarks start, not benchmarks themselves.
NOT_BENCHMARKS = {"run.py", "floor_server.py"}


def main() -> int:
    # `python bench/run.py --quick`: scenarios that read BENCH_QUICK run at a smaller size
    # (bench/newsletter_send.py: 5,000 subscribers instead of 50,000).
    if "--quick" in sys.argv:
        os.environ["BENCH_QUICK"] = "1"
    failed = []
    for script in sorted(HERE.glob("*.py")):
        if script.name in NOT_BENCHMARKS or script.name.startswith("_"):
            continue
        print(f"\n### {script.stem}", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False).returncode:
            failed.append(script.stem)
    if failed:
        print(f"\nbenchmarks that did not finish: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
