"""Every API operation documents its error bodies in the one `Error` shape (alliances/api/schema.py),
and output fields that can be null say so (found by the schema fuzzing, tests/fuzz)."""


def test_every_operation_documents_the_error_shape(oe, api):
    schema = api(oe.user("sec")).get("/api/schema/?format=json").json()
    assert set(schema["components"]["schemas"]["Error"]["properties"]["error"]["required"]) == {"code", "message", "fields"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = {"400", "403", "404"} | ({"409"} if method in ("post", "put", "patch", "delete") else set())
            for status in statuses:
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_the_documented_error_shape_is_what_a_refusal_returns(oe, api):
    response = api(oe.user("sec")).post("/api/v1/alliances/ocean-equipment/seats/", {"organ": "nope"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    assert all(isinstance(m, str) for messages in error["fields"].values() for m in messages)


def test_output_names_of_missing_relations_are_documented_as_nullable(oe, api):
    schema = api(oe.user("sec")).get("/api/schema/?format=json").json()["components"]["schemas"]
    for component, field in [("RoleGrantOutput", "revoked_by"), ("SeatOutput", "unit_name"), ("FundOutput", "project_code"),
                             ("MotionDetailOutput", "subject_type"), ("SubmissionDetailOutput", "submitted_by")]:
        assert schema[component]["properties"][field].get("nullable") is True, (component, field)
