"""Regenerating in a warm process, as ``reportgen watch`` does: imports and caches already paid.

    python bench/warm.py INPUT.yaml OUTDIR ROUNDS

Runs ``generate`` once untimed, then ROUNDS times, and prints the seconds of
each timed run as JSON on stdout.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> int:
    source, output_dir, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    from reportgen.batch import generate_one  # what `reportgen watch` calls on each change

    times = []
    for number in range(rounds + 1):
        start = time.perf_counter()
        result = generate_one(source, output_dir, ("docx", "pdf"), True)
        if result.error_lines:
            print("\n".join(result.error_lines), file=sys.stderr)
            return 1
        if number:
            times.append(time.perf_counter() - start)
    print(json.dumps({"times": times}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
