"""The learning record store the xAPI tests use is a real one, reached as the academy reaches it."""


def test_ralph_answers_with_the_credentials_it_was_given(ralph):
    """Does Ralph serve GET /xAPI/statements to the academy's credentials, and refuse others?"""
    status, page = ralph.request("/xAPI/statements")
    assert status == 200 and "statements" in page
    ralph.password, kept = "not-the-password", ralph.password
    try:
        status, _ = ralph.request("/xAPI/statements")
    finally:
        ralph.password = kept
    assert status == 401
