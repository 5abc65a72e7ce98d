"""What a sign-in costs the web process in hashing (issue 15, item 2): the median time to
check a password stored by Mingze's hasher (settings PASSWORD_HASHERS, first), and by
Django's default PBKDF2 for comparison, each on one core. ``sign_ins_per_core_second`` is
how many sign-ins one core can check a second at most, hashing being nearly all of one."""

from __future__ import annotations

import statistics
import time

from bench.registry import measurement

RUNS = 7


def _median_ms(hasher, encoded: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        assert hasher.verify("bench-sign-in-2026", encoded)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


@measurement(order=5)
def sign_in(context) -> dict:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher

    runs = min(RUNS, context.options.get("runs", RUNS))
    ours = get_hasher()
    pbkdf2 = PBKDF2PasswordHasher()
    ours_ms = _median_ms(ours, ours.encode("bench-sign-in-2026", ours.salt()), runs)
    pbkdf2_ms = _median_ms(pbkdf2, pbkdf2.encode("bench-sign-in-2026", pbkdf2.salt()), runs)
    return {
        "password_hasher": ours.algorithm,
        "password_check_ms": round(ours_ms, 1),
        "password_check_ms_pbkdf2_default": round(pbkdf2_ms, 1),
        "sign_ins_per_core_second": round(1000 / ours_ms, 1),
    }
