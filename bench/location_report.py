"""Merge location benchmark CSVs (ours and spopt, possibly from separate runs) into the
Markdown table of docs/benchmarks.md. Later files override earlier ones per instance and side.

    python bench/location_report.py OURS.csv PEER.csv [PEER2.csv ...]
"""

from __future__ import annotations

import csv
import sys

LIMIT_NOTE = 400.0  # CBC limit of the runs whose wall time was not recorded


def main() -> None:
    ours: dict[str, dict[str, str]] = {}
    peer: dict[str, dict[str, str]] = {}
    for path in sys.argv[1:]:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        for r in rows:
            if r["anjian_status"] not in ("skipped", ""):
                ours[r["instance"]] = r
            if r["spopt_status"] not in ("skipped", ""):
                peer[r["instance"]] = r
    names = sorted(set(ours) | set(peer), key=lambda s: int(s[4:]))
    print("| instance | n | p | optimum | anjian | anjian s | spopt (CBC) | spopt s | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    t_ours = t_peer = 0.0
    both_ours = both_peer = 0.0
    worst = None
    for n in names:
        o, q = ours.get(n), peer.get(n)
        row = o or q
        assert row is not None
        os_ = float(o["anjian_s"]) if o else None
        ok = "✓" if o and float(o["anjian_objective"]) == float(row["optimal"]) else "—"
        if q and q["spopt_status"] == "Optimal":
            ps: float | None = float(q["spopt_s"])
            ptxt = f"{float(q['spopt_objective']):.0f}"
            stxt = f"{ps:.1f}"
        elif q and q["spopt_s"]:
            ps = None
            ptxt = "no result"
            killed = q["spopt_status"] == "killed"
            limit = float(q["spopt_s"]) - (60 if killed else 0)
            stxt = f"> {limit:.0f} ({'killed' if killed else 'CBC time limit'})"
        elif q:  # a run that stopped at CBC's limit before wall time was recorded
            ps = None
            ptxt = "no result"
            stxt = f"> {LIMIT_NOTE:.0f} (CBC time limit)"
        else:
            ps, ptxt, stxt = None, "not run", "—"
        ratio = ""
        if os_ is not None:
            t_ours += os_
        if os_ is not None and q:
            pv = ps if ps is not None else float(stxt.split()[1])
            both_ours += os_
            both_peer += pv
            r = pv / os_
            ratio = f"{r:.1f}" if ps is not None else f"> {r:.1f}"
            worst = r if worst is None else min(worst, r)
        if ps is not None:
            t_peer += ps
        print(
            f"| {n} | {row['n']} | {row['p']} | {float(row['optimal']):.0f} | "
            f"{ok} {float(o['anjian_objective']) if o else 0:.0f} | "
            f"{os_ if os_ is not None else '—'} | {ptxt} | {stxt} | {ratio} |"
        )
    print()
    print(f"anjian total over all {len(ours)} instances: {t_ours:.1f} s")
    print(
        f"on the {sum(1 for n in names if n in ours and n in peer)} instances both ran: "
        f"anjian {both_ours:.1f} s, spopt ≥ {both_peer:.1f} s "
        f"(killed runs counted at their limit): ratio ≥ {both_peer / both_ours:.1f}; "
        f"smallest per-instance ratio {worst:.1f}"
    )


if __name__ == "__main__":
    main()
