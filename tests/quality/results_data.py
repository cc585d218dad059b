"""Generated pupil scores for the results pages, API and bench: schools with real effects and prior attainment."""

import numpy as np

from tests.quality.factories import DRAWN, add_scores, make_round


def score_rows(rnd, schools, *, pupils: int = 30, seed: int = 7, effects=None, subjects=None) -> list[dict]:
    """`pupils` per school (an int, or a list per school) in every subject of the round: score = 20 + 0.7·prior +
    school effect + noise, clipped to 0–full marks; classes 1班/2班, genders alternating."""
    rng = np.random.default_rng(seed)
    rows = []
    subjects = list(subjects or rnd.subjects.all())
    for index, school in enumerate(schools):
        count = pupils[index] if isinstance(pupils, list | tuple) else pupils
        effect = effects[index] if effects is not None else (index - len(schools) / 2) * 3.0
        for subject in subjects:
            prior = rng.normal(65, 12, count).clip(0, 100)
            score = (20 + 0.7 * prior + effect + rng.normal(0, 8, count)).clip(0, subject.full_marks)
            for k in range(count):
                rows.append({"school": school, "subject": subject, "student": f"{school.code}-{k:04d}",
                             "score": round(float(score[k]), 1), "prior": round(float(prior[k]), 1),
                             "gender": "男" if k % 2 else "女", "class_name": f"{1 + k % 2}班"})
    return rows


def scored_round(world, *, status="scored", schools=None, pupils=30, **kwargs):
    """A round of district A with scores for its schools (default: the first three schools of A)."""
    schools = list(world.schools_a[:3] if schools is None else schools)
    kwargs.setdefault("drawn", DRAWN)
    rnd = make_round(world, schools=schools, status=status, **kwargs)
    add_scores(rnd, score_rows(rnd, schools, pupils=pupils))
    return rnd
