# Run from the project root: PYTHONPATH=. .venv/bin/python tests/rubric/golden/record.py (needs apps/rubric/engine.py)
"""Record the launch engine's results on the differential test's profiles (run once, before the
launch engine is removed): per version and language, one digest per chunk of 1,000 profiles."""
import dataclasses, json, sys
from pathlib import Path
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()
from django.utils import translation
from apps.rubric import engine
from apps.rubric.policy_config import RubricConfig
from tests.rubric.differential import GNI, STRATEGIC, PROGRAMMES, NAMES, digest, generated

ROOT = Path("apps/rubric")
OLD_REFERENCE = engine.ReferenceContext(GNI, 2024, STRATEGIC, PROGRAMMES, NAMES)
CHUNK = 1000
out = {}
for code in ("2025-03", "2026-07"):
    scorer = engine.Scorer(RubricConfig.from_dict(json.loads((ROOT / "defaults" / f"{code}.json").read_text())), OLD_REFERENCE)
    entry = {}
    for language, count, seed in (("en", 100_000, 20261207), ("ko", 20_000, 7)):
        with translation.override(language):
            results = [scorer.score(engine.Facts(**{f.name: getattr(x, f.name) for f in dataclasses.fields(x)})).as_dict() for x in generated(count, seed=seed)]
        entry[language] = {"profiles": count, "seed": seed, "chunk": CHUNK,
                           "digests": [digest(results[i:i+CHUNK]) for i in range(0, count, CHUNK)],
                           "first": results[:3]}
    out[code] = entry
Path("tests/rubric/golden").mkdir(exist_ok=True)
for code, entry in out.items():
    Path(f"tests/rubric/golden/{code}.json").write_text(json.dumps(entry, ensure_ascii=False, indent=1, default=str) + "\n")
print("ok")
