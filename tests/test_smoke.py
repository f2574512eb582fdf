from tests.conftest import sign_in


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.location


def test_admin_sees_projects(client, make_user, make_project):
    project = make_project(name="财政预算执行审计")
    admin = make_user("admin")
    assert sign_in(client, admin).status_code == 302
    page = client.get("/projects/").get_data(as_text=True)
    assert project.name in page
