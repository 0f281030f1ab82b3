from tests.support.harness import ApiHarness


async def test_user_is_created_on_first_call(api: ApiHarness) -> None:
    first = await api.client.get("/api/user", headers=api.auth("u1"))
    assert first.status_code == 200
    assert first.json()["created"] is True
    second = await api.client.get("/api/user", headers=api.auth("u1"))
    assert second.json()["created"] is False
    assert second.json()["user"]["clerk_user_id"] == "u1"
