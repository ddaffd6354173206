"""Full-width punctuation in Chinese text of fixture files: ， ： ； （ ） and 〈 〉.

The source article set some Chinese sentences with half-width marks ("管理办法(试行)",
"印发<…>"). This rewrites the text fields of the given fixture files in place:

- ( … ) touching Chinese on either side, or holding Chinese, becomes （ … ）;
- , : ; after Chinese, or after a figure and before Chinese, becomes ， ： ；
  (never between digits, as in 1,829.84, nor inside Latin text such as "IASP, Spain");
- < … > holding Chinese (a title inside a title) becomes 〈 … 〉.

Dates, slugs and addresses are left alone. Usage:

    python3 scripts/normalise_punctuation.py fixtures/parks.json [...]           # show changes
    python3 scripts/normalise_punctuation.py --write fixtures/parks.json [...]   # rewrite files
"""

import json
import re
import sys
from pathlib import Path

CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’《》]"
SEPARATORS = {",": "，", ":": "：", ";": "；"}
SKIPPED_FIELDS = {"slug", "website", "url", "email", "phone", "image", "file"}


def normalise(text: str) -> str:
    out = re.sub(rf"(?<={CJK})\(([^()\n]*)\)", r"（\1）", text)
    out = re.sub(rf"\(([^()\n]*)\)(?={CJK})", r"（\1）", out)
    out = re.sub(rf"\(([^()\n]*{CJK}[^()\n]*)\)", r"（\1）", out)
    out = re.sub(rf"<([^<>\n]*{CJK}[^<>\n]*)>", r"〈\1〉", out)
    out = re.sub(rf"(?<={CJK})([,:;])(?!//)", lambda match: SEPARATORS[match.group(1)], out)
    return re.sub(rf"(?<=[0-9%])([,:;])(?={CJK})", lambda match: SEPARATORS[match.group(1)], out)


def is_text(key: str, value) -> bool:
    return (
        isinstance(value, str)
        and key not in SKIPPED_FIELDS
        and not key.endswith(("_at", "_on", "date"))
        and not value.startswith(("http://", "https://", "/"))
    )


def main(arguments: list[str]) -> None:
    write = "--write" in arguments
    for path in (Path(argument) for argument in arguments if argument != "--write"):
        records = json.loads(path.read_text(encoding="utf-8"))
        changed = 0
        for record in records:
            for key, value in record["fields"].items():
                if is_text(key, value) and normalise(value) != value:
                    print(f"{path.name} {record['model']} {record['pk']} {key}: {normalise(value)[:80]}")
                    record["fields"][key] = normalise(value)
                    changed += 1
        if write and changed:
            path.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
