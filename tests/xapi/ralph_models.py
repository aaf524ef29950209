"""Run by Ralph's own Python (.venv-ralph): validate xAPI statements against Ralph's models.

Reads a JSON list of statements on stdin; writes, for each, the models it was checked against and
the first validation error (null when valid): every statement against `BaseXapiStatement`, and
against the specific model Ralph's selector picks for it when there is one (a course registration
is Ralph's `LMSRegisteredCourse`). tests/xapi/validation.py calls it.
"""

import json
import sys

from pydantic import ValidationError
from ralph.exceptions import UnknownEventException
from ralph.models.selector import ModelSelector
from ralph.models.xapi.base.statements import BaseXapiStatement

selector = ModelSelector(module="ralph.models.xapi")
report = []
for statement in json.load(sys.stdin):
    try:
        specific = list(selector.get_models(statement))
    except UnknownEventException:
        specific = []
    checked, error = [], None
    for model in [BaseXapiStatement, *specific]:
        checked.append(model.__name__)
        try:
            model(**statement)
        except ValidationError as invalid:
            error = f"{model.__name__}: {invalid}"
            break
    report.append({"id": statement.get("id"), "models": checked, "error": error})
json.dump(report, sys.stdout)
