#!/usr/bin/python3
"""check.py - schema/ripple-scenario.schema.json against the shipped
scenarios and against ripple's loader (ctest: schema).

    /usr/bin/python3 tests/schema/check.py SOURCE_DIR RIPPLE

Runs with Debian's python3-jsonschema and python3-yaml. Checks that
 1. the schema is a valid draft 2020-12 schema;
 2. every scenario under scenarios/ starts with a yaml-language-server line
    naming the schema by a relative path that reaches it, and is valid
    against it; a file that extends another is also valid once merged into
    it (RFC 7386), as the loader reads it;
 3. tests/schema/base.yaml is accepted by the schema and by `ripple
    validate`, and each mutation in WRONG (an unknown key or a value of the
    wrong type, one at a time) is refused by both: the loader with exit
    status 2 and a file:line:col message, the schema with an error.
Prints one line per failure and "N passed, N failed" at the end.
"""
import copy
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

# (what is wrong, path in base.yaml, value set there); None as the path's
# last step's value deletes the key.
WRONG = [
    ("unknown top-level key", ["horizn"], 365),
    ("format version 2", ["ripple"], 2),
    ("horizon as text", ["horizon"], "a year"),
    ("horizon as a list", ["horizon"], [365]),
    ("horizon negative", ["horizon"], -5),
    ("replications not whole", ["replications"], 2.5),
    ("seed negative", ["seed"], -1),
    ("confidence above 1", ["confidence"], 1.5),
    ("products as a list", ["products"], ["part", "good"]),
    ("unknown product key", ["products", "part", "units"], "t"),
    ("group as a map", ["groups", "allies"], {"JP": 1}),
    ("nodes as a list", ["nodes"], ["src", "plant"]),
    ("unknown node key", ["nodes", "plant", "contry"], "KR"),
    ("country not a code", ["nodes", "plant", "country"], "Korea"),
    ("tags as text", ["nodes", "plant", "tags"], "maker"),
    ("supply not unlimited", ["nodes", "src", "supply"], "plenty"),
    ("unknown make key", ["nodes", "plant", "make", "speed"], 3),
    ("servers not whole", ["nodes", "plant", "make", "servers"], 1.5),
    ("inputs as a list", ["nodes", "plant", "make", "inputs"], ["part"]),
    ("to_order as yes", ["nodes", "plant", "make", "to_order"], "yes"),
    ("unknown stock key", ["nodes", "plant", "stock", "good", "max"], 9),
    ("unknown policy", ["nodes", "plant", "stock", "part", "policy"], "minmax"),
    ("initial as text", ["nodes", "plant", "stock", "part", "initial"], "ten"),
    ("unknown edge key", ["nodes", "plant", "sources", "part", "src", "weight"], 1),
    ("share as text", ["nodes", "plant", "sources", "part", "src", "share"], "all"),
    ("backup as text", ["nodes", "plant", "sources", "part", "src", "backup"], "no"),
    ("unknown distribution", ["nodes", "plant", "sources", "part", "src", "lead_time"],
     {"dist": "poisson", "mean": 2}),
    ("distribution missing a parameter",
     ["nodes", "plant", "sources", "part", "src", "lead_time"], {"dist": "uniform", "min": 1}),
    ("distribution with another's parameter",
     ["nodes", "plant", "outages", "every"], {"dist": "exponential", "mean": 100, "sd": 1}),
    ("distribution as a list", ["nodes", "plant", "outages", "lasts"], [1, 2]),
    ("outages without lasts", ["nodes", "plant", "outages", "lasts"], None),
    ("unknown allocation", ["nodes", "plant", "allocation"], "random"),
    ("unknown demand key", ["nodes", "mkt", "demand", "rate"], 1),
    ("unknown unmet rule", ["nodes", "mkt", "demand", "unmet"], "wait"),
    ("unknown event type", ["events", "ban", "type"], "embargo"),
    ("unknown event key", ["events", "ban", "node"], "plant"),
    ("event products as text", ["events", "ban", "products"], "part"),
    ("unknown in_transit rule", ["events", "ban", "in_transit"], "lose"),
    ("duration as text", ["events", "fire", "duration"], "long"),
    ("event without type", ["events", "fire", "type"], None),
    ("unknown report key", ["report", "plots"], True),
    ("unknown selector key", ["report", "groups", "makers", "colour"], "red"),
    ("series as text", ["report", "series"], "daily"),
    ("day0 not a date", ["report", "day0"], "6 June 2023"),
]


class Loader(yaml.SafeLoader):
    """YAML 1.2 core schema, as libyaml-based ripple and editors read it:
    1e3 is a number, yes/no/NO are text, 2023-06-06 is text."""


Loader.yaml_implicit_resolvers = {}
for tag, regexp, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("int", r"^0o[0-7]+$|^0x[0-9a-fA-F]+$", "0"),
    ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$",
     "-+0123456789."),
    ("float", r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$", "-+."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    Loader.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile(regexp),
                                 list(first))


def construct_int(loader, node):
    text = loader.construct_scalar(node)
    return int(text, 0) if text[:2] in ("0o", "0x") else int(text)


def construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(("inf", "nan")):
        return float(text.replace(".", ""))
    return float(text)


Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
Loader.add_constructor("tag:yaml.org,2002:float", construct_float)


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)


def merge_patch(target, patch):
    """RFC 7386."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def merged(path):
    """The tree of path with its extends chain applied."""
    tree = load(path)
    if isinstance(tree, dict) and "extends" in tree:
        parent = os.path.join(os.path.dirname(path), tree.pop("extends"))
        tree = merge_patch(merged(parent), tree)
    return tree


def errors(validator, tree):
    return sorted(validator.iter_errors(tree), key=lambda e: list(e.path))


def where(err):
    return "/".join(str(p) for p in err.absolute_path) or "(top)"


def main():
    src, ripple = sys.argv[1], sys.argv[2]
    schema_path = os.path.join(src, "schema", "ripple-scenario.schema.json")
    schema = yaml.load(open(schema_path, encoding="utf-8"), Loader=yaml.SafeLoader)
    passed, failed = 0, 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL: " + what)

    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    passed += 1

    # 2. the shipped scenarios
    shipped = []
    for d, _, files in os.walk(os.path.join(src, "scenarios")):
        shipped += [os.path.join(d, f) for f in files if f.endswith(".yaml")]
    check(len(shipped) >= 3, "found only %d shipped scenarios" % len(shipped))
    for path in sorted(shipped):
        rel = os.path.relpath(path, src)
        with open(path, encoding="utf-8") as f:
            first = f.readline().rstrip("\n")
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        check(m is not None, "%s: first line is not '# yaml-language-server: "
              "$schema=<relative path to schema/>'" % rel)
        if m:
            target = os.path.normpath(os.path.join(os.path.dirname(path), m.group(1)))
            check(target == os.path.normpath(schema_path),
                  "%s: $schema=%s does not lead to schema/ripple-scenario.schema.json"
                  % (rel, m.group(1)))
        trees = [("as written", load(path))]
        if "extends" in trees[0][1]:
            trees.append(("merged with what it extends", merged(path)))
        for how, tree in trees:
            errs = errors(validator, tree)
            check(not errs, "%s (%s): the schema refuses it: %s" % (
                rel, how, "; ".join("%s: %s" % (where(e), e.message[:200])
                                    for e in errs[:5])))

    # 3. schema and loader agree on wrong keys and types
    base_path = os.path.join(src, "tests", "schema", "base.yaml")
    base = load(base_path)
    tmp = tempfile.mkdtemp(prefix="ripple-schema.")

    def loader_verdict(tree, name):
        path = os.path.join(tmp, name + ".yaml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(tree, f, sort_keys=False)
        r = subprocess.run([ripple, "validate", path], capture_output=True,
                           text=True, timeout=60)
        return r.returncode, (r.stderr.splitlines() or [""])[0]

    errs = errors(validator, base)
    check(not errs, "tests/schema/base.yaml: the schema refuses it: %s" %
          "; ".join(e.message for e in errs[:3]))
    rc, msg = loader_verdict(base, "base")
    check(rc == 0, "tests/schema/base.yaml: ripple validate refuses it "
          "(exit %d): %s" % (rc, msg))

    for i, (what, keys, value) in enumerate(WRONG):
        tree = copy.deepcopy(base)
        node = tree
        for k in keys[:-1]:
            node = node[k]
        if value is None:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
        spot = ".".join(keys)
        errs = errors(validator, tree)
        check(errs, "%s (%s = %r): the schema accepts it" % (what, spot, value))
        rc, msg = loader_verdict(tree, "wrong-%02d" % i)
        check(rc == 2 and re.match(r"^\S+\.yaml:\d+:\d+: ", msg) is not None,
              "%s (%s = %r): ripple validate gave exit %d and '%s', not exit 2 "
              "with file:line:col" % (what, spot, value, rc, msg))

    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    print("schema: %d shipped scenarios, %d wrong files" % (len(shipped), len(WRONG)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
