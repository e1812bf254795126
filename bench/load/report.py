"""Write the "HTTP load" section of the results from Locust's CSV statistics (bench/load/run.sh)."""

import argparse
import csv
import json
import os
import platform
import re
from pathlib import Path

START, END = "<!-- http-load:start -->", "<!-- http-load:end -->"
SCENARIOS = [
    ("vote-storm", "Vote storm", {"vote": 200}),
    ("secretariat-day", "Secretariat day", {"members (list)": 300, "journal (list)": 300, "motions (list)": 300,
                                            "projects (list)": 300}),
    ("statement-day", "Statement day", {"statement (pdf)": 1000}),
    ("bureau-morning", "Bureau morning", {"bureau console": 1000, "bureau submissions": 300}),
]


def rows(out: Path, name: str) -> list[dict]:
    path = out / f"{name}_stats.csv"
    return list(csv.DictReader(path.open())) if path.exists() else []


def ms(value: str) -> str:
    return f"{float(value or 0):,.0f}"


def section(args) -> str:
    out = Path(args.out)
    verify = json.loads((out / "verify.json").read_text()) if (out / "verify.json").exists() else {}
    lines = [START, "## HTTP load (bench/load/run.sh)", ""]
    lines.append(f"Machine: {os.cpu_count()} cores, {platform.platform()}; server: gunicorn with {args.workers} sync "
                 f"workers (`config.production`, DEBUG off), PostgreSQL on the same host, the task worker "
                 f"(`db_worker`) beside it; Locust on the same machine (it takes CPU from the server). Each "
                 f"scenario runs {args.seconds} s. Mode: {args.mode}.")
    lines.append("")
    for name, title, targets in SCENARIOS:
        data = rows(out, name)
        load = (out / f"{name}.load").read_text().strip() if (out / f"{name}.load").exists() else "?"
        lines += [f"### {title}", "", f"Load average after the scenario: `{load.split('load average:')[-1].strip()}`.", "",
                  "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms | target p95 | |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for row in data:
            label = row["Name"]
            target = targets.get(label)
            met = "" if target is None else ("met" if float(row["95%"] or 0) < target else "**not met**")
            lines.append(f"| {label if label != 'Aggregated' else '**all**'} | {int(row['Request Count']):,} | "
                         f"{int(row['Failure Count']):,} | {float(row['Requests/s']):,.1f} | {ms(row['50%'])} | "
                         f"{ms(row['95%'])} | {ms(row['99%'])} | {f'< {target:,}' if target else ''} | {met} |")
        failures = (out / f"{name}_failures.csv")
        if failures.exists():
            for failure in list(csv.DictReader(failures.open()))[:5]:
                lines.append(f"\nFailure: {failure['Method']} {failure['Name']}: {failure['Error'][:200]} "
                             f"({failure['Occurrences']}×)")
        lines.append("")
    if verify:
        lines.append(f"After the run: {verify.get('votes_accepted', 0):,} councillors' accepted votes, "
                     f"{verify.get('ballots_stored', 0):,} ballots stored, **{verify.get('lost_votes', '?')} lost**; "
                     f"{verify.get('alliances_verified', 0)} alliances' chains verified, broken: "
                     f"{verify.get('broken_chains') or 'none'}.")
    lines += ["", END]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    for name in ["out", "write", "workers", "mode", "councillors", "alliances", "staff", "reps", "seconds"]:
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()
    text = section(args)
    target = Path(args.write)
    old = target.read_text() if target.exists() else ""
    if START in old:
        new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: text, old, flags=re.S)
    else:
        new = old.rstrip() + "\n\n" + text + "\n"
    target.write_text(new)


if __name__ == "__main__":
    main()
