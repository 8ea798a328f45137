"""Searchset Bundles (search results and ``$everything``), paged by ``_count`` and ``_offset``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from fhir.resources.R4B.bundle import Bundle


def searchset(page: Sequence[Any], *, base: str, url: str, params: dict[str, str], offset: int, count: int,
              total: int | None, more: bool) -> Bundle:
    """Return the searchset Bundle of one page of results.

    ``base`` is the server's FHIR base (``https://host/fhir/R4``: each entry's ``fullUrl`` is under it),
    ``url`` the search's absolute URL without query, ``params`` its parameters other than ``_count`` and
    ``_offset``; ``total`` the number of results (None: not counted), ``more`` whether a next page
    exists. Links: ``self``, ``next`` when more follow, ``previous`` when some precede.
    """

    def link(relation: str, at: int) -> dict[str, str]:
        return {"relation": relation, "url": f"{url}?{urlencode({**params, '_count': count, '_offset': at})}"}

    links = [link("self", offset)]
    if more:
        links.append(link("next", offset + count))
    if offset > 0:
        links.append(link("previous", max(0, offset - count)))
    return Bundle.model_validate({
        "resourceType": "Bundle", "type": "searchset", "total": total, "link": links,
        "entry": [{"fullUrl": f"{base}/{resource.get_resource_type()}/{resource.id}", "resource": resource,
                   "search": {"mode": "match"}} for resource in page] or None,
    })


def paged(resources: Sequence[Any], *, base: str, url: str, params: dict[str, str], offset: int,
          count: int) -> Bundle:
    """Return the searchset Bundle of the page at ``offset`` of all the ``resources`` found."""
    return searchset(resources[offset: offset + count], base=base, url=url, params=params, offset=offset,
                     count=count, total=len(resources), more=offset + count < len(resources))
