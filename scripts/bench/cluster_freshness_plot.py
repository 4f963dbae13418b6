"""Plots cluster_freshness.py's JSON: the distribution of ACK on node 1 -> visible on node 2."""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(source: str, target: str, title: str) -> None:
    with open(source) as f:
        result = json.load(f)
    samples = sorted(result["samples_ms"])
    fig, (hist, cdf) = plt.subplots(1, 2, figsize=(9, 3.8))
    hist.hist(samples, bins=30, color="tab:blue")
    hist.set_xlabel("ACK on node 1 → on node 2's /api/map/gps (ms)")
    hist.set_ylabel("probes")
    cdf.plot(samples, [(i + 1) / len(samples) for i in range(len(samples))], color="tab:blue")
    for q, style in (("p50_ms", ":"), ("p99_ms", "--")):
        cdf.axvline(result[q], linestyle=style, color="grey", label=f"{q[:-3]} {result[q]:.0f} ms")
    cdf.axvline(500, color="tab:red", label="target p99 500 ms")
    cdf.set_xlabel("ms")
    cdf.set_ylabel("share of probes")
    cdf.legend(fontsize=8)
    for ax in (hist, cdf):
        ax.grid(True, alpha=0.3)
    fig.suptitle(f"{title} ({result['count']} probes, {result['misses']} missed)", fontsize=10)
    fig.tight_layout()
    fig.savefig(target, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "cross-node freshness")
