"""Step 1, Python basics: each milestone at the line a mentor would point to, and
the look-alikes that must not count."""

from __future__ import annotations

# -- basics.function -------------------------------------------------------------------


def test_defining_a_function_is_a_milestone(scan) -> None:
    found = scan({"hello.py": 'print("hi")\n\n\ndef greet(name):\n    return f"Hello {name}"\n'})
    assert found.at("basics.function") == ["hello.py:4"]


def test_def_inside_a_string_or_a_lambda_is_not_a_function_definition(scan) -> None:
    found = scan(
        {
            "notes.py": 'print("def greet(name): return name")\n'
            "# def later(): pass\n"
            "square = lambda x: x * x\n"
        }
    )
    assert "basics.function" not in found
    assert found.at("basics.lambda") == ["notes.py:3"]


# -- basics.lambda ---------------------------------------------------------------------


def test_lambda_as_a_sort_key_is_a_milestone(scan) -> None:
    found = scan(
        {
            "people.py": 'people = [{"name": "Ada", "age": 36}, {"name": "Alan", "age": 41}]\n'
            'by_age = sorted(people, key=lambda p: p["age"])\n'
        }
    )
    assert found.at("basics.lambda") == ["people.py:2"]


def test_function_named_lambda_handler_is_not_a_lambda_expression(scan) -> None:
    found = scan(
        {
            "handler.py": "def lambda_handler(event, context):\n"
            '    # a lambda would be shorter here\n    return {"statusCode": 200, "body": "lambda"}\n'
        }
    )
    assert "basics.lambda" not in found


# -- basics.control-flow ---------------------------------------------------------------


def test_function_with_a_loop_and_a_branch_is_control_flow(scan) -> None:
    found = scan(
        {
            "grades.py": "def passed(scores, limit=50):\n"
            "    names = []\n"
            "    for name, score in scores.items():\n"
            "        if score >= limit:\n"
            "            names.append(name)\n"
            "    return names\n"
        }
    )
    assert found.at("basics.control-flow") == ["grades.py:1"]


def test_while_loop_with_a_match_statement_is_control_flow(scan) -> None:
    found = scan(
        {
            "repl.py": "def repl():\n"
            "    while True:\n"
            "        match input('> '):\n"
            "            case 'quit':\n"
            "                return\n"
            "            case other:\n"
            "                print(other)\n"
        }
    )
    assert found.at("basics.control-flow") == ["repl.py:1"]


def test_loop_in_one_place_and_if_in_another_is_not_control_flow(scan) -> None:
    found = scan(
        {
            "script.py": "for n in range(3):\n    print(n)\n\n\n"
            "def size(n):\n    if n > 2:\n        return 'big'\n    return 'small'\n\n\n"
            "def total(items):\n    result = 0\n    for item in items:\n        result += item\n"
            "    return result\n"
        }
    )
    assert "basics.control-flow" not in found
    assert "basics.function" in found


# -- basics.class ----------------------------------------------------------------------


def test_class_definition_is_a_milestone(scan) -> None:
    found = scan(
        {"books.py": "class Book:\n    def __init__(self, title):\n        self.title = title\n"}
    )
    assert found.at("basics.class") == ["books.py:1"]


def test_class_keyword_in_text_and_a_namedtuple_are_not_a_class_definition(scan) -> None:
    found = scan(
        {
            "books.py": "from collections import namedtuple\n\n"
            'Book = namedtuple("Book", "title author")\n'
            'print("class Book: pass")\n'
        }
    )
    assert "basics.class" not in found


# -- basics.inheritance ----------------------------------------------------------------


def test_subclass_of_your_own_class_in_another_module_is_inheritance(scan) -> None:
    found = scan(
        {
            "animals.py": "class Animal:\n    def speak(self):\n        return '...'\n",
            "dogs.py": "from animals import Animal\n\n\nclass Dog(Animal):\n"
            "    def speak(self):\n        return 'Woof'\n",
        }
    )
    assert found.at("basics.inheritance") == ["dogs.py:4"]


def test_subclass_of_your_class_in_a_src_layout_package_is_inheritance(scan) -> None:
    found = scan(
        {
            "src/shop/__init__.py": "",
            "src/shop/products.py": "class Product:\n    price = 0\n",
            "src/shop/books.py": "from shop.products import Product\n\n\n"
            "class Book(Product):\n    pages = 0\n",
        }
    )
    assert found.at("basics.inheritance") == ["src/shop/books.py:4"]


def test_subclassing_library_classes_is_not_inheritance_between_your_classes(scan) -> None:
    found = scan(
        {
            # the learner's own `Model`, and an unrelated Django model with the same name
            "mymodels.py": "class Model:\n    pass\n",
            "blog/models.py": "from django.db import models\n\n\nclass Post(models.Model):\n"
            "    title = models.CharField(max_length=100)\n",
            "errors.py": "class OutOfStock(Exception):\n    pass\n",
        }
    )
    assert "basics.inheritance" not in found


# -- basics.exception-handling ---------------------------------------------------------


def test_except_naming_the_error_is_exception_handling(scan) -> None:
    found = scan(
        {
            "age.py": "def read_age(text):\n    try:\n        return int(text)\n"
            "    except ValueError:\n        return None\n"
        }
    )
    assert found.at("basics.exception-handling") == ["age.py:4"]


def test_bare_except_and_except_exception_are_not_specific_handling(scan) -> None:
    found = scan(
        {
            "sloppy.py": "def load(path):\n    try:\n        return open(path).read()\n"
            "    except:\n        return ''\n\n\n"
            "def save(path, text):\n    try:\n        open(path, 'w').write(text)\n"
            "    except Exception:\n        pass\n"
        }
    )
    assert "basics.exception-handling" not in found


# -- basics.custom-exception -----------------------------------------------------------


def test_class_deriving_from_exception_is_a_custom_exception(scan) -> None:
    found = scan(
        {
            "shop/errors.py": 'class ShopError(Exception):\n    """Base of our errors."""\n\n\n'
            "class OutOfStock(ShopError):\n    pass\n"
        }
    )
    assert found.at("basics.custom-exception") == ["shop/errors.py:1", "shop/errors.py:5"]


def test_class_named_like_an_exception_is_not_one(scan) -> None:
    found = scan(
        {
            "report.py": "class Error:\n    message = ''\n\n\n"
            "class ExceptionReport:\n    rows = []\n\n\n"
            "class ErrorPage(dict):\n    pass\n"
        }
    )
    assert "basics.custom-exception" not in found


# -- basics.package --------------------------------------------------------------------


def test_package_imported_by_another_module_is_a_milestone(scan) -> None:
    found = scan(
        {
            "shop/__init__.py": "",
            "shop/cart.py": "def total(prices):\n    return sum(prices)\n",
            "main.py": "from shop.cart import total\n\nprint(total([1, 2]))\n",
        }
    )
    assert found.at("basics.package") == ["main.py:1"]


def test_a_subpackage_counts_when_imported_from_outside_it_not_from_within(scan) -> None:
    found = scan(
        {
            "app/__init__.py": "",
            "app/db/__init__.py": "",
            "app/db/models.py": "from app.text.slug import slugify\n\nNAME = slugify('x')\n",
            "app/text/__init__.py": "",
            "app/text/slug.py": "from app.text.clean import strip\n\n\ndef slugify(s):\n"
            "    return strip(s)\n",
            "app/text/clean.py": "import os.path\n\n\ndef strip(s):\n    return s.strip()\n",
        }
    )
    # app.text is another package to app.db, but its own to app.text.slug
    assert found.at("basics.package") == ["app/db/models.py:1"]


def test_unused_package_a_plain_module_and_the_stdlib_are_not_your_package(scan) -> None:
    found = scan(
        {
            "tools/__init__.py": "",
            "tools/strings.py": "from tools import numbers\n\nTITLE = 'x'\n",
            "tools/numbers.py": "ONE = 1\n",
            "helpers.py": "def double(x):\n    return 2 * x\n",
            "main.py": "import json\n\nfrom helpers import double\n\nprint(json.dumps(double(2)))\n",
        }
    )
    assert "basics.package" not in found
