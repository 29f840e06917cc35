"""Numbered pagination on every portal list: page numbers with ellipses, a page-size choice, and a page past the
end showing the last page instead of a 404."""

import re

import pytest

from tests import factories

from .conftest import rows


def names(response) -> list[str]:
    return [row[0] for row in rows(response, "list")[1:]]


def page_numbers(response) -> list[str]:
    """The numbered links and ellipses of the pagination, in order, as shown."""
    nav = re.search(r'<ul class="page-numbers">(.*?)</ul>', response.content.decode(), re.S)
    assert nav, "no numbered pagination on the page"
    return re.findall(r">(\d+|…)</(?:a|li)>", nav.group(1))


def current_page(response) -> str:
    return re.search(r'aria-current="page"[^>]*>(\d+)</a>', response.content.decode()).group(1)


@pytest.fixture
def many_fieldlabs(network):
    # 3 fieldlabs in the network + 247 = 250 rows: 10 pages of 25.
    factories.FieldlabFactory.create_batch(247, hub=network["zuid"])
    return 250


def test_page_numbers_with_ellipses(bureau_client, many_fieldlabs):
    first = bureau_client.get("/fieldlabs/")
    assert page_numbers(first) == ["1", "2", "3", "…", "9", "10"]
    assert current_page(first) == "1"
    middle = bureau_client.get("/fieldlabs/?page=5")
    # Two pages either side of the current one and two at each end: here nothing is left out.
    assert page_numbers(middle) == [str(n) for n in range(1, 11)]
    assert current_page(middle) == "5"
    last = bureau_client.get("/fieldlabs/?page=10")
    assert page_numbers(last) == ["1", "2", "…", "8", "9", "10"]
    assert len(names(last)) == 25


def test_page_links_keep_the_filters_and_sort(bureau_client, many_fieldlabs):
    response = bureau_client.get("/fieldlabs/?hub=zuid&sort=-name&per_page=50")
    html = response.content.decode()
    assert 'href="?hub=zuid&amp;sort=-name&amp;per_page=50&amp;page=2"' in html


@pytest.mark.parametrize("size, pages", [(25, 10), (50, 5), (100, 3), (250, 1), (500, 1)])
def test_page_size_choice(bureau_client, many_fieldlabs, size, pages):
    response = bureau_client.get(f"/fieldlabs/?per_page={size}")
    assert len(names(response)) == min(size, many_fieldlabs)
    assert re.search(rf'<option value="{size}" selected>', response.content.decode())
    if pages > 1:
        assert page_numbers(response)[-1] == str(pages)
    else:
        assert 'class="page-numbers"' not in response.content.decode()


@pytest.mark.parametrize("size", ["7", "1000", "abc", "-25"])
def test_a_page_size_not_offered_falls_back_to_25(bureau_client, many_fieldlabs, size):
    response = bureau_client.get(f"/fieldlabs/?per_page={size}")
    assert response.status_code == 200
    assert len(names(response)) == 25


@pytest.mark.parametrize("page", ["11", "9999", "0", "-3"])
def test_a_page_past_the_end_shows_the_last_page(bureau_client, many_fieldlabs, page):
    response = bureau_client.get(f"/fieldlabs/?page={page}")
    assert response.status_code == 200
    assert current_page(response) == "10"
    assert names(response) == names(bureau_client.get("/fieldlabs/?page=10"))


def test_a_page_that_is_not_a_number_shows_the_first(bureau_client, many_fieldlabs):
    response = bureau_client.get("/fieldlabs/?page=last-but-one")
    assert response.status_code == 200
    assert current_page(response) == "1"


def test_the_page_size_form_keeps_the_filters_and_starts_at_page_one(bureau_client, many_fieldlabs):
    html = bureau_client.get("/fieldlabs/?hub=zuid&sort=name&page=3").content.decode()
    form = re.search(r'<form method="get" class="page-size"[^>]*>(.*?)</form>', html, re.S).group(1)
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)
    assert hidden == [("hub", "zuid"), ("sort", "name")]


@pytest.mark.parametrize("url", ["/hubs/", "/fieldlabs/", "/partners/", "/companies/", "/funders/", "/funding/"])
def test_every_list_pages_past_the_end_and_takes_a_page_size(bureau_client, network, url):
    response = bureau_client.get(url + "?page=9999&per_page=50")
    assert response.status_code == 200
    assert 'name="per_page"' in response.content.decode()
