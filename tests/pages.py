"""Reading a public page as the tests of several sections do: its HTML, and its dropdowns."""

import re


def page(client, url, params=None) -> str:
    """The HTML of `url` (with `params`), which must answer 200."""
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def select_of(html: str, name: str) -> str:
    """The <select name=…> on the page."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, f"no select {name}"
    return select.group(0)


def options_of(html: str, name: str) -> list[str]:
    """The option values of the <select name=…> on the page, the empty one included."""
    return re.findall(r'<option value="([^"]*)"', select_of(html, name))
