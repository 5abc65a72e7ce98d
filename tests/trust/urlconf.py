"""Every URL pattern of Mingze's own pages, read from the URL conf (admin and i18n aside)."""

from django.urls import URLPattern, URLResolver, get_resolver

# The API's endpoints have their own matrix (tests/api/test_matrix.py): they answer 401
# and problem JSON rather than a sign-in page.
SKIPPED_NAMESPACES = {"admin", "api"}


def url_names() -> dict[str, str]:
    """{"namespace:name": "route"} for every named pattern."""
    found: dict[str, str] = {}

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES or "i18n" in str(pattern.pattern):
                    continue
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found[name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns, "", None)
    return found
