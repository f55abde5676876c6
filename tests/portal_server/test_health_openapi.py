"""Health check and the OpenAPI document."""

from __future__ import annotations


async def test_healthz_reports_the_database(client) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "up"
    assert body["database"]["dialect"] in ("sqlite", "postgres")


async def test_openapi_document_is_served_with_the_admin_paths(client) -> None:
    response = await client.get("/docs/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in (
        "/api/v1/admin/auth/token",
        "/api/v1/admin/profiles",
        "/api/v1/admin/profiles/{profile_id}",
        "/api/v1/admin/profiles/{profile_id}/duplicate",
        "/api/v1/admin/profiles/{profile_id}/versions/{number}/restore",
        "/api/v1/admin/profiles/{profile_id}/logos/{slot}",
        "/api/v1/admin/audit",
    ):
        assert path in paths, path
    assert "ProfileContent" in spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


async def test_unknown_path_is_a_json_404(client) -> None:
    response = await client.get("/api/v1/admin/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
