"""What people read says things one way: "email", never "e-mail"."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HYPHENATED = re.compile(r"e-mail", re.IGNORECASE)


def _strings_people_read(source: str):
    """Yield the string literals of a module that are not docstrings (which only coders read)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and id(node) not in docstrings:
            yield node.value


def test_no_template_says_e_mail():
    said = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*")
        if path.is_file() and HYPHENATED.search(path.read_text())
    ]
    assert said == []


def test_no_message_form_or_mail_in_the_code_says_e_mail():
    said = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in (ROOT / "kwippy").rglob("*.py")
        for text in _strings_people_read(path.read_text())
        if HYPHENATED.search(text)
    ]
    assert said == []
