"""`promokit stats --plot FILE.png`: a readable chart of the campaign figures (matplotlib, extra `plot`).

By day: sales (top) and discount (bottom) per day, one line per promotion, legend outside. Otherwise: sales and discount
side by side per promotion (or per variant), each bar labelled with its orders. matplotlib
is imported only here, only when a chart is asked for, with the file-only Agg backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..ledgers.stats import CampaignStats


def _label(r: CampaignStats) -> str:
    if r.variant is not None:
        return f"{r.experiment} {r.variant}\n{r.promotion}"
    return r.promotion


def plot(rows: Sequence[CampaignStats], by: str | None, path: str) -> None:
    """Write the chart to `path` (PNG). ImportError when matplotlib is not installed."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig: Any
    if by == "day":
        fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 6), dpi=100)
        axes = [top, bottom]
    else:
        fig, ax = plt.subplots(figsize=(10, 4.5), dpi=100)
        axes = [ax]
    try:
        if by == "day":
            days = sorted({r.day for r in rows if r.day is not None})
            where = {d: i for i, d in enumerate(days)}
            for promo in sorted({r.promotion for r in rows}):
                points = sorted((where[r.day], r) for r in rows if r.promotion == promo and r.day is not None)
                xs = [x for x, _ in points]
                mine = [r for _, r in points]
                top.plot(xs, [float(r.sales) for r in mine], marker="o", label=promo)
                bottom.plot(xs, [float(r.discount) for r in mine], marker="o", label=promo)
            top.set_ylabel("sales")
            bottom.set_ylabel("discount")
            bottom.set_xticks(range(len(days)), [d.isoformat() for d in days], rotation=30, fontsize=8)
            top.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        else:
            xs = list(range(len(rows)))
            width = 0.4
            sales = ax.bar([x - width / 2 for x in xs], [float(r.sales) for r in rows], width, label="sales")
            ax.bar([x + width / 2 for x in xs], [float(r.discount) for r in rows], width, label="discount")
            ax.bar_label(sales, labels=[f"{r.orders} orders" for r in rows], fontsize=8)
            ax.set_xticks(
                list(xs), [_label(r) for r in rows], fontsize=8, rotation=30 if len(rows) > 6 else 0
            )
            ax.set_ylabel("amount (currency units)")
            ax.legend(fontsize=8)
        for axis in axes:
            axis.grid(axis="y", alpha=0.3)
        fig.suptitle("promokit campaign statistics" + (f" by {by}" if by else "") + " (currency units)")
        fig.tight_layout()
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
