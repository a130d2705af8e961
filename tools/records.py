# SPDX-License-Identifier: GPL-2.0
"""blacklock's records as the module writes them, for every host tool.

The module writes each record twice: as text in debugfs "stats" ("key:
value" lines, a cpuN: or cost_KIND: line per sub-record, a blank line
between records) and as JSON in "stats.json" (an array of objects, the
sub-records in a per_cpu or locks array). load() reads either and gives
the same thing for both: a list of dicts, each with "record" ("run" or
"cost"), every key, and "per_cpu" (runs) or "locks" (cost records), a list
of dicts. Values stay the text the module wrote ("inf" for JSON's null),
so a tool prints exactly what the record says; num() makes a number of one.
"""
import json

SUBLISTS = {"run": "per_cpu", "cost": "locks"}


def num(v):
    """A record's value as an int or a float ("inf" included); None for none."""
    if v is None or v == "":
        return None
    try:
        return int(v)
    except ValueError:
        return float(v)


def _json_value(v):
    """A JSON value as the text form writes it: null is "inf", a list of
    numbers "a,b,c"."""
    if v is None:
        return "inf"
    if isinstance(v, list):
        return ",".join(v)
    return v


def _from_json(text):
    out = []
    # numbers kept as the module wrote them: 1.500 stays "1.500"
    for obj in json.loads(text, parse_float=str, parse_int=str):
        rec = {}
        for k, v in obj.items():
            if isinstance(v, list) and v and isinstance(v[0], dict):
                rec[k] = [{kk: _json_value(vv) for kk, vv in sub.items()} for sub in v]
            else:
                rec[k] = _json_value(v)
        rec.setdefault(SUBLISTS.get(rec.get("record"), "per_cpu"), [])
        out.append(rec)
    return out


def _from_text(text):
    out, rec = [], None
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, rest = line.partition(": ")
        if key in ("run", "cost") and rest.strip().isdigit():
            rec = {"record": key, key: rest.strip(), SUBLISTS[key]: []}
            out.append(rec)
            continue
        if rec is None or not key:
            continue
        if rec["record"] == "run" and key.startswith("cpu") and key[3:].isdigit() and "=" in rest:
            sub = {"cpu": key[3:]}
        elif rec["record"] == "cost" and key.startswith("cost_") and "=" in rest:
            sub = {"lock": key[len("cost_"):]}
        else:
            rec.setdefault(key, rest)
            continue
        for kv in rest.split():
            k, _, v = kv.partition("=")
            sub[k] = v
        rec[SUBLISTS[rec["record"]]].append(sub)
    return out


def loads(text):
    """Records from the text of "stats" or "stats.json"."""
    return _from_json(text) if text.lstrip().startswith("[") else _from_text(text)


def load(path):
    """Records from a file holding "stats" or "stats.json"."""
    with open(path, errors="replace") as f:
        return loads(f.read())


def runs(records):
    return [r for r in records if r["record"] == "run"]


def cost(records):
    """The last cost record, or None."""
    c = [r for r in records if r["record"] == "cost"]
    return c[-1] if c else None
