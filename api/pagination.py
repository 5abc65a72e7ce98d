"""Cursor pagination: stable pages over lists that change while a client walks them."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "id"


class TreeCursor(Cursor):
    """Units in tree order (the materialized path is unique and sorts parents first)."""

    ordering = "path"
