"""404 and 500 are the product's own pages, in Chinese, with a way back."""

from django.template.loader import get_template
from django.test import RequestFactory
from django.views.defaults import server_error


def test_it_answers_a_missing_page_with_its_own_404(world, login):
    response = login(world.member).get("/services/requests/new/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'href="/"' in page and "返回首页" in page
    assert "Page not found" not in page


def test_anonymous_visitors_get_the_404_page_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "返回首页" in response.content.decode()


def test_the_500_page_renders_without_a_request_context():
    assert "服务器出错" in get_template("500.html").render()
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错" in page and 'href="/"' in page and "返回首页" in page
