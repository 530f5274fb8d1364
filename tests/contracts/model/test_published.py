"""What the published document states about the report operation's answers, read from it as it is."""

from __future__ import annotations

import copy

import jsonschema

from contracts.document import spec
from contracts.model.published import answers_of, published_answers


def test_the_published_document_declares_five_statuses_four_of_them_with_its_error_schema() -> None:
    answers = published_answers()
    assert answers.statuses == (200, 400, 401, 403, 500)
    assert answers.error_statuses == (400, 401, 403, 500)


def test_the_published_error_requires_only_a_message_and_its_items_are_any_object() -> None:
    validator = jsonschema.Draft4Validator(published_answers().error_schema)
    assert validator.is_valid({"error": {"message": "no"}})
    assert validator.is_valid({"error": {"message": "no", "code": "x", "errors": [{"loc": ["to"]}, {}]}})
    assert not validator.is_valid({"error": {"code": "x"}})
    assert not validator.is_valid({"error": {"message": "no", "errors": ["to"]}})


def test_a_new_published_version_is_read_as_it_is_not_as_we_copied_it() -> None:
    document = spec.load_yaml(spec.UPSTREAM_PATH.read_text(encoding="utf-8"))
    edited = copy.deepcopy(document)
    operation = edited["paths"]["/accounts/{aid}/insight/generate-report"]["post"]
    operation["responses"]["404"] = {"$ref": "#/components/responses/BadRequest"}
    edited["components"]["schemas"]["Error"]["properties"]["error"]["required"] = ["message", "code"]
    answers = answers_of(edited)
    assert 404 in answers.error_statuses and answers.error_schema["properties"]["error"]["required"] == [
        "message",
        "code",
    ]
