"""libyaml (the C parser) reads definitions exactly as PyYAML's pure-Python parser does: the same
data, the same line/column of every key and value, the same duplicate keys, and the same refusal
(message and position) of everything it cannot or must not read, hostile text included."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from formsvc.definitions import yaml_source
from formsvc.definitions.yaml_source import YamlSyntaxError, parse

pytestmark = pytest.mark.skipif(yaml_source._CParser is None, reason="PyYAML was built without libyaml")

LIBYAML_LOADER: Any = getattr(yaml_source, "_CBoundedLoader", None)  # libyaml's events, our composer
ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "form_definitions").rglob("*.yaml"))
TEST_FILES = sorted((ROOT / "tests" / "definitions").rglob("*.yaml"))


@pytest.fixture(autouse=True)
def fewer_nodes(monkeypatch):
    """A tenth of the node bound, so that reaching it takes a tenth of the time in both parsers."""
    monkeypatch.setattr(yaml_source, "MAX_NODES", 10_000)


def outcome(text: str) -> tuple:
    """What parse gives, comparable: data, both position maps and the duplicates, or the refusal."""
    try:
        data, source, duplicates = parse(text)
    except YamlSyntaxError as error:
        return ("refused", error.message, error.position, error.path)
    return ("read", data, source.values, source.keys,
            [(duplicate.path, duplicate.position, duplicate.first) for duplicate in duplicates])


def pure_outcome(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple:
    with monkeypatch.context() as patch:
        patch.setattr(yaml_source, "_CParser", None)  # as without libyaml: the pure parser alone
        return outcome(text)


def read_by_libyaml(text: str) -> bool:
    """Whether libyaml read ``text`` itself (no fallback to the pure parser)."""
    if yaml_source._pure_only(text):
        return False
    try:
        yaml.compose(text, Loader=LIBYAML_LOADER)
    except (yaml.YAMLError, yaml_source._TooComplex, yaml_source._Unlike, UnicodeError):
        return False
    return True


@pytest.mark.parametrize("path", SHIPPED + TEST_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_definition_file_reads_the_same_with_both_parsers(path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    assert outcome(text) == pure_outcome(text, monkeypatch)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_shipped_definitions_are_read_by_libyaml_itself(path):
    # Not sent back to the pure parser by a difference guard: else the speed is gone.
    assert read_by_libyaml(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_shipped_definitions_without_anchors_are_read_straight_from_the_events(path):
    text = path.read_text(encoding="utf-8")
    if "&" in text:
        pytest.skip("anchors and aliases are composed into nodes first")
    data, source, _ = yaml_source._read_events(text)
    assert (data, source) == parse(text)[:2]


VALID = (ROOT / "tests" / "definitions" / "solar_subsidy.yaml").read_text(encoding="utf-8")
LAUGHS = "l0: &l0 [lol, lol]\n" + "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 30))

HOSTILE = {
    "billion-laughs": LAUGHS,
    "alias-inside-its-anchor": "a: &a [*a]\n",
    "mapping-alias-inside-its-anchor": "a: &a {b: *a}\n",
    "deep-flow-nesting": "a: " + "[" * 200_000 + "]" * 200_000 + "\n",  # libyaml's own composer crashes
    "deep-block-nesting": "- " * 200_000 + "a\n",
    "deep-mappings": "".join(" " * depth + f"k{depth}:\n" for depth in range(150)),
    "too-many-nodes": "a: [" + ", ".join(["x"] * 10_001) + "]\n",
    "duplicate-keys": "a: 1\nb: {c: 1, c: 2}\na: 3\n",
    "duplicate-beside-merge": "base: &b {a: 1}\nf: {<<: *b, a: 2, a: 3}\n",
    "merge-of-a-scalar": "a:\n  <<: 1\n",
    "nul": "a: b\x00c\n",
    "bell": "a: \x07\n",
    "escape-character": "a:\n  b: \x1b[31m\n",
    "lone-surrogate": "a: \ud800\n",
    "byte-order-mark-inside": "a: b\ufeffc\n",
    "next-line-character": "a: b\x85c: d\n",
    "line-separator": "a: b\u2028c\n",
    "tab-in-value": "a: b\tc\n",
    "tab-indentation": "a:\n\tb: 1\n",
    "question-mark-in-flow": "a: {b?c: 1}\n",
    "explicit-key": "? a\n: b\n",
    "empty-flow-value": "a: {b: , c: 1}\n",
    "empty-tag": "a: !\n",
    "python-tag": "a: !!python/object/apply:os.system [echo]\n",
    "two-documents": "a: 1\n---\nb: 2\n",
    "huge-scalar": "a: " + "x" * 1_000_000 + "\n",
    "many-keys": "".join(f"k{n}: {n}\n" for n in range(4_000)),
    "undefined-alias": "a: *nothing\n",
    "invalid-date": "a: 2025-02-30\n",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_and_odd_text_gets_the_same_answer_from_both_parsers(text, monkeypatch):
    assert outcome(text) == pure_outcome(text, monkeypatch)


@pytest.mark.parametrize(("name", "words"), [
    ("billion-laughs", "を展開すると、定義の要素が10,000個を超えます"),
    ("alias-inside-its-anchor", "エイリアス *a が、参照先のアンカー &a の中で使われています"),
    ("deep-flow-nesting", "入れ子が深すぎます（100段まで）"),
    ("deep-block-nesting", "入れ子が深すぎます（100段まで）"),
    ("too-many-nodes", "定義の要素が10,000個を超えます"),
    ("nul", "使えない文字（U+0000"),
    ("lone-surrogate", "使えない文字（U+D800"),
    ("merge-of-a-scalar", "「<<」（マージキー）には"),
    ("python-tag", "タグ 'tag:yaml.org,2002:python/object/apply:os.system' は使えません"),
])
def test_the_bounds_still_refuse_with_libyaml(name, words):
    with pytest.raises(YamlSyntaxError) as refused:
        parse(HOSTILE[name])
    assert words in refused.value.message


def test_the_bounds_are_checked_on_libyamls_events_not_after_it():
    """libyaml's events go through our bounded composer: the refusal happens at the alias that
    goes too far, not after a node tree was built (and the pure parser is not what caught it)."""
    for name in ("billion-laughs", "alias-inside-its-anchor", "deep-flow-nesting", "too-many-nodes"):
        with pytest.raises(yaml_source._TooComplex):
            yaml.compose(HOSTILE[name], Loader=LIBYAML_LOADER)


def mutants(count: int, seed: int) -> list[str]:
    """Pieces of the shipped and test definitions with a few characters inserted, deleted or
    replaced: the kinds of mistake where the two parsers could part (tabs, "?", "!", brackets …)."""
    rng = random.Random(seed)
    texts = [path.read_text(encoding="utf-8") for path in SHIPPED + TEST_FILES]
    pieces = [" ", "\t", "\n", ":", "-", "[", "]", "{", "}", "&a", "*a", "!", "!!str ", "|", ">", "'", '"',
              "#", ",", "?", "? ", "%", "@", "`", "\\", "\r", "\ufeff", "\x85", "\u2028", "あ", "😀", "<<: ",
              "\x00", "---\n", ": ", "- ", "\n  "]
    found = []
    for _ in range(count):
        lines = rng.choice(texts).split("\n")
        start = rng.randrange(len(lines))
        text = "\n".join(lines[start:start + rng.choice([3, 10, 25])])
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            change = rng.random()
            if change < 0.4:
                text = text[:at] + rng.choice(pieces) + text[at:]
            elif change < 0.7:
                text = text[:at] + text[at + 1:]
            else:
                text = text[:at] + rng.choice(pieces) + text[at + 1:]
        found.append(text)
    return found


def test_mistyped_definitions_get_the_same_answer_from_both_parsers(monkeypatch):
    # 20,000 of these (other seeds) agreed while the guards were written; 1,000 keep them honest.
    different = [text for text in mutants(1_000, seed=17) if outcome(text) != pure_outcome(text, monkeypatch)]
    assert different == []


WORDS = ["a", "値", "yes", "No", "on", "null", "~", "", "0x1F", "1e3", ".inf", "-.nan", "012", "0o17", "1_000",
         "3.14", "2025-01-31", "2025-13-01", "2025-01-31 10:00:00", "?", "a?b", "a ?", "? a", "a: b", "a #b",
         "- a", "[x]", "{y}", "*z", "&w", "!t", "%p", "@q", '"q"', "'s'", "x\ty", "two\nlines", " lead", "<<", "=",
         "|", "😀", "\\", "a,b"]


def documents(count: int, seed: int) -> list[str]:
    """Valid YAML of every style PyYAML writes (block, flow, mixed) around odd values, some with
    anchors and aliases, some with a line written twice (a duplicate key)."""
    rng = random.Random(seed)

    def scalar():
        return rng.choice([rng.choice(WORDS), rng.randint(-1000, 10**12), True, False, None, rng.random() * 1000,
                           "".join(rng.choice("abc あ?:#-,[]{}!&*|>'\"") for _ in range(rng.randint(0, 8)))])

    def value(depth: int = 0):
        kind = rng.random()
        if depth > 4 or kind < 0.4:
            return scalar()
        if kind < 0.7:
            return {str(scalar()) if rng.random() < 0.8 else scalar(): value(depth + 1)
                    for _ in range(rng.randint(0, 5))}
        return [value(depth + 1) for _ in range(rng.randint(0, 5))]

    found = []
    for _ in range(count):
        data = {"root": value()}
        if rng.random() < 0.3:
            data["x"] = data["y"] = value(2)
        text = yaml.dump(data, Dumper=yaml.SafeDumper, default_flow_style=rng.choice([None, True, False]),
                         allow_unicode=True, width=rng.choice([20, 80, 1000]), indent=rng.choice([2, 4]))
        if rng.random() < 0.2:
            lines = text.split("\n")
            line = rng.randrange(len(lines))
            text = "\n".join([*lines[:line], lines[line], *lines[line:]])
        found.append(text)
    return found


def test_odd_valid_documents_get_the_same_answer_from_both_parsers(monkeypatch):
    # As the mistyped ones: many more agreed while this was written.
    different = [text for text in documents(500, seed=17) if outcome(text) != pure_outcome(text, monkeypatch)]
    assert different == []


def test_without_libyaml_the_pure_parser_reads_alone(monkeypatch):
    expected = outcome(VALID)
    monkeypatch.setattr(yaml_source, "_CParser", None)
    assert outcome(VALID) == expected
