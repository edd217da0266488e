async def test_probe_roundtrip(client):
    r = await client.post("/api/v1/probes", json={"name": "a", "amount": "99999999999.99"})
    assert r.status_code == 201, r.text
    r2 = await client.get(f"/api/v1/probes/{r.json()['id']}")
    assert r2.json()["amount"] == "99999999999.99"
    assert r2.headers["etag"] == '"1"'
