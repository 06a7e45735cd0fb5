"""Generated policy-brief-like files for tests that need many briefs (deterministic)."""

from __future__ import annotations

import random
from pathlib import Path

CITIES = ["Pune", "Busan", "Chennai", "Ulsan", "Kochi", "Daegu", "Nagpur", "Incheon", "Surat", "Gwangju"]
TOPICS = ["battery recycling", "port logistics", "vaccine research", "rail signalling", "solar glass",
          "shipbuilding skills", "space launch", "semiconductor packaging", "water treatment", "fintech"]
FILLER = ("Officials from both governments reviewed the progress of the programme and agreed that "
          "industry partners, universities and regional administrations should share data, align "
          "standards and train engineers so that the projects can scale beyond the pilot sites")


def brief_text(i: int, paragraphs: int = 5) -> str:
    rng = random.Random(i)
    topic, city = TOPICS[i % len(TOPICS)], CITIES[(i // len(TOPICS)) % len(CITIES)]
    body = [f"The {topic} centre number {i} will be built in {city} at a cost of {100 + i} million "
            f"dollars, according to the joint statement."]
    for p in range(paragraphs):
        words = FILLER.split()
        rng.shuffle(words)
        body.append(f"In phase {p + 1} of brief {i}, " + " ".join(words) + ". "
                    + FILLER + f" during year {2026 + p}.")
    return f"Cooperation on {topic} {i}\nAnalyst {i}\n\n" + "\n\n".join(body) + "\n"


def write_briefs(folder: Path, count: int, start: int = 0, paragraphs: int = 5) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"generated-{i:04d}.txt"
        path.write_text(brief_text(i, paragraphs), encoding="utf-8")
        paths.append(path)
    return paths
