"""Run every benchmark and print its figures and its ratio to the baseline.

``python -m benchmarks`` (or ``make bench``); exits 1 if any aim is missed.
"""

from __future__ import annotations

import sys

from benchmarks import (
    bench_add_participants,
    bench_bundle,
    bench_certificates,
    bench_circles,
    bench_import,
    bench_invites,
    bench_kpis,
    bench_matching,
    bench_pairing,
    bench_scoring,
    bench_startup,
)


def main() -> int:
    """Run all benchmarks; 0 when every aim is met."""
    results = [bench_add_participants.run(), bench_import.run(), bench_startup.run(),
               bench_scoring.run(), bench_matching.run(), bench_circles.run(),
               bench_pairing.run(), bench_invites.run(), bench_kpis.run(),
               bench_certificates.run(), bench_bundle.run()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
