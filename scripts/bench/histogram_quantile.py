#!/usr/bin/env python3
"""Quantiles of a Prometheus histogram read from /metrics text on stdin.

    histogram_quantile.py NAME Q [Q ...]   prints "q=<Q> <seconds>" per quantile and "count=<N>"

Linear interpolation inside the bucket, as PromQL's histogram_quantile does.
"""
import re
import sys


def main() -> None:
    name, quantiles = sys.argv[1], [float(q) for q in sys.argv[2:]]
    buckets = {}
    pattern = re.compile(r'^' + re.escape(name) + r'_bucket\{[^}]*le="([^"]+)"[^}]*\}\s+(\S+)')
    for line in sys.stdin:
        m = pattern.match(line)
        if m:
            le = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
            buckets[le] = buckets.get(le, 0) + float(m.group(2))
    bounds = sorted(buckets)
    total = buckets.get(float("inf"), 0)
    print(f"count={int(total)}")
    for q in quantiles:
        if total == 0:
            print(f"q={q} nan")
            continue
        rank, lower, below = q * total, 0.0, 0.0
        for upper in bounds:
            count = buckets[upper]
            if count >= rank:
                if upper == float("inf"):
                    print(f"q={q} >{lower}")
                else:
                    inside = count - below
                    fraction = (rank - below) / inside if inside else 1
                    print(f"q={q} {lower + (upper - lower) * fraction:.4f}")
                break
            lower, below = upper, count


if __name__ == "__main__":
    main()
