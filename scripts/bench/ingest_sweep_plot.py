"""Plots ingest-sweep.sh's CSV: acknowledged and committed rows/s against the offered rate."""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(source: str, target: str) -> None:
    with open(source, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["acked_per_s"]]
    offered = [float(r["offered"]) / 1000 for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(offered, offered, ":", color="grey", label="offered")
    ax.plot(offered, [float(r["acked_per_s"]) / 1000 for r in rows], "o-", label="acknowledged (spool)")
    ax.plot(offered, [float(r["committed_per_s"]) / 1000 for r in rows], "s-", label="committed to PostGIS while sending")
    anchors = [float(r["anchor_b"]) / 1000 for r in rows if r["anchor_b"]]
    if anchors:
        ax.axhline(sum(anchors) / len(anchors), linestyle="--", color="tab:red", label="anchor (b): psql \\copy binary, same streams, idle box")
    for r, x in zip(rows, offered):
        if r["flat"] == "no":
            ax.annotate("backlog grew", (x, float(r["committed_per_s"]) / 1000), textcoords="offset points", xytext=(0, -14), ha="center", fontsize=8)
    ax.set_xlabel("offered positions/s (thousands)")
    ax.set_ylabel("rows/s (thousands)")
    ax.set_title("geofleetd sustained ingest on 2 cores (daemon, simulator, PostgreSQL)", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(target, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
