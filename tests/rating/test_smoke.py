def test_login_page_is_bengali_first(client):
    response = client.get("/login", headers={"Accept-Language": ""})
    assert response.status_code == 200
    assert 'lang="bn"' in response.get_data(as_text=True)


def test_leader_logs_in_and_sees_home(browser, make_user, make_cycle):
    make_user("leader", login="BJ-001")
    make_cycle()
    response = browser.login("bj-001", "১৩৫৭")
    assert response.status_code == 302
    page = browser.get("/leader/").get_data(as_text=True)
    assert "2026 Q4" in page or "২০২৬" in page
