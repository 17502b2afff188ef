import pytest


@pytest.mark.parametrize(
    "address",
    [
        "/t/%00/",
        "/u/%00/",
        "/u/alice/t/%00/",
        "/search/?q=%00",
        "/search/?q%00=python",
        "/?before=%00",
        "/feeds/t/a%00b/",
    ],
)
def test_a_nul_character_in_the_address_is_a_400_for_everyone(client, alice, address):
    assert client.get(address).status_code == 400
    client.force_login(alice)
    assert client.get(address).status_code == 400


def test_addresses_without_nul_pass_through(client, alice):
    assert client.get("/search/?q=python").status_code == 200
    assert client.get("/u/alice/").status_code == 200


def test_the_api_answers_a_nul_in_its_own_shape(client, alice):
    response = client.get("/api/v1/posts/get?url=%00&format=json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
