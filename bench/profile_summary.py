"""Fold py-spy's raw output (collapsed stacks) into inclusive sample shares per function.

    python3 bench/profile_summary.py bench/out/posting.txt [--match finance/] [--top 30]
"""

import argparse
from collections import Counter


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("raw")
    parser.add_argument("--match", default="", help="only frames whose text contains this")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    inclusive, self_time = Counter(), Counter()
    total = 0
    for line in open(args.raw, encoding="utf-8"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        seen = set()
        for frame in frames:
            if frame not in seen:
                inclusive[frame] += n
                seen.add(frame)
        self_time[frames[-1]] += n
    print(f"{total} samples")
    print("-- inclusive")
    for frame, n in inclusive.most_common():
        if args.match in frame:
            print(f"{100 * n / total:5.1f}%  {frame}")
            args.top -= 1
            if args.top <= 0:
                break
    print("-- self (top 15)")
    for frame, n in self_time.most_common(15):
        print(f"{100 * n / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
